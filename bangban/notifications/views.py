from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate

from .models import InAppMessage


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    result = paginate(request, InAppMessage.objects.filter(user=request.user))
    return render(
        request, "notifications/inbox.html", {"page": result.page, "qs": result.querystring_without_page}
    )
