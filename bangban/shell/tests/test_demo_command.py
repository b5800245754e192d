"""`make run` loads the demo city with `manage.py load_demo_city`, outside any transaction a test
would open around it: every app's demo must then run in its own transaction, as it does here."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bangban.accounts.models import User
from bangban.conduct.models import Entry
from bangban.tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_the_command_loads_every_app_demo_outside_a_transaction():
    out = io.StringIO()
    call_command("load_demo_city", stdout=out)
    text = out.getvalue()
    assert "作风建设：入企登记" in text and "密码：" in text
    assert User.objects.filter(username="qiye").exists()
    assert Ticket.objects.exists() and Entry.objects.exists()
