from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bangban.core.pagination import paginate

from .models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    result = paginate(request, Unit.objects.select_related("region", "parent"))
    return render(request, "org/unit_list.html", {"page": result.page, "qs": result.querystring_without_page})
