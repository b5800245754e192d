from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import CalendarYear


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workdays/calendar.html", {"years": CalendarYear.objects.all()})
