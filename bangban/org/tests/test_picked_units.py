"""The unit picker's chips after a form comes back: the chosen units by id, garbage left out."""

from __future__ import annotations

from bangban.org.queries import picked_units


def test_chosen_units_come_back_as_chips_and_garbage_is_left_out(world):
    values = [str(world.shuyang_gov.pk), "", "abc", "999999", str(world.shuyang_gov.pk), world.siyang_gov.pk]
    assert picked_units(values) == [
        (world.shuyang_gov.pk, world.shuyang_gov.name),
        (world.siyang_gov.pk, world.siyang_gov.name),
    ]
    assert picked_units([]) == [] and picked_units([None]) == []
