"""geo/registry/card.py (the tables of private and moderator-only fields) and the card's
form helpers in geo/registry/forms.py. The privacy of every output is tests/test_privacy.py;
the refusal of a moderator-only change, tests/test_permissions.py."""

from __future__ import annotations

from datetime import date

import pytest

from geo.registry import card, forms, importer


def test_the_tables_name_columns_of_the_kind():
    """A typo in a table would protect nothing: every entry is a column of its kind."""
    for table in (card.PRIVATE_FIELDS, card.MODERATOR_FIELDS):
        for kind, columns in table.items():
            assert set(columns) <= set(importer.kind_columns(kind)), kind
    assert set(card.MODERATOR_FIELDS["clusters"]) == {"org_level", *importer.ASSESSMENT_FIELDS}


def test_public_columns_keep_order_and_drop_only_the_private():
    columns = importer.kind_columns("clusters")
    public = card.public_columns("clusters", columns)
    assert public == [c for c in columns if c not in card.PRIVATE_FIELDS["clusters"]]
    assert card.public_columns("mne_links", importer.kind_columns("mne_links")) == (
        importer.kind_columns("mne_links")
    )
    values = {"id": "PIC-01", "contact_email": "a@example.ru", "website": None}
    assert card.public_values("clusters", values) == {"id": "PIC-01", "website": None}
    assert card.private_values("clusters", values) == {
        "contact_email": "a@example.ru",
        "contact_person": None,
        "contact_phone": None,
    }


@pytest.mark.parametrize(
    ("before", "after", "touched"),
    [
        (None, {"org_level": None, "name_en": "X"}, []),
        (None, {"org_level": "high"}, ["org_level"]),
        ({"org_level": "high"}, {"org_level": "high", "participants": 3.0}, []),
        ({"org_level": "high"}, {"org_level": "medium"}, ["org_level"]),
        ({"org_level": "high"}, {"org_level": "high", "org_level_basis": "x"}, ["org_level_basis"]),
        ({"org_level": "high"}, None, []),
    ],
)
def test_assessed_fields_are_the_moderator_only_fields_a_change_sets(before, after, touched):
    assert card.assessed_fields("clusters", before, after) == touched


def test_contacts_frame_in_both_languages():
    values = {
        "contact_email": "a@example.ru",
        "contact_person": None,
        "contact_phone": "+7 1234567",
    }
    en = card.contacts_frame(values, "en")
    assert list(en["Field"]) == ["Contact e-mail", "Contact person", "Contact phone"]
    assert list(en["Value"]) == ["a@example.ru", "not reported", "+7 1234567"]
    ru = card.contacts_frame(values, "ru")
    assert list(ru["Field"])[1] == "Контактное лицо" and list(ru["Value"])[1] == "нет данных"


TODAY = date(2026, 12, 2)


def test_a_changed_level_is_assessed_by_the_editor_today():
    sent = forms.with_assessment({"org_level": "high"}, {}, "mod", TODAY)
    assert sent == {
        "org_level": "high",
        "org_level_assessed_by": "mod",
        "org_level_assessed_at": "2026-12-02",
    }
    typed = {"org_level": "high", "org_level_assessed_by": "panel", "org_level_assessed_at": "2026"}
    assert forms.with_assessment(typed, {}, "mod", TODAY) == typed  # the editor's own wins


def test_a_cleared_level_clears_its_assessment_and_other_edits_are_untouched():
    initial = {"org_level": "high", "org_level_assessed_by": "mod", "org_level_basis": "x"}
    sent = forms.with_assessment({"org_level": ""}, initial, "mod", TODAY)
    assert sent == {"org_level": "", "org_level_assessed_by": "", "org_level_basis": ""}
    assert forms.with_assessment({"city": "Kazan"}, initial, "mod", TODAY) == {"city": "Kazan"}


def test_every_card_field_is_on_the_moderators_form_once():
    columns = [c for fields in forms.cluster_blocks(assessor=True).values() for c in fields]
    assert len(columns) == len(set(columns))
    assert set(columns) == set(importer.kind_columns("clusters")) - {"id"}
