from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bangban.core.pagination import paginate

from .models import AuditEvent


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    result = paginate(request, AuditEvent.objects.all())
    return render(request, "audit/events.html", {"page": result.page, "qs": result.querystring_without_page})
