from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate

from .access import visible_enterprises


@login_required
def enterprise_list(request: AuthedHttpRequest) -> HttpResponse:
    result = paginate(request, visible_enterprises(request.user).select_related("region"))
    return render(
        request, "enterprises/list.html", {"page": result.page, "qs": result.querystring_without_page}
    )


@login_required
def my_enterprise(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        raise Http404
    return render(request, "enterprises/list.html", {"page": [request.user.enterprise]})
