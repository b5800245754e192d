"""Viewing a person's unmasked phone and ID number is itself recorded (R0.5)."""

from __future__ import annotations

from django.urls import reverse

from bangban.audit.models import AuditEvent


def test_admin_viewing_a_users_personal_data_is_audited(world, login):
    person = world.handler_shuyang
    person.phone = "13912345678"
    person.save(update_fields=["phone"])
    page = login(world.admin).get(reverse("accounts:user_detail", args=[person.pk])).content.decode()
    assert "13912345678" in page
    event = AuditEvent.objects.get(action="personal_data.view", object_id=str(person.pk))
    assert event.actor_id == world.admin.pk and event.after == {"fields": ["phone"]}
