"""A status answer names the service and the kind inside it in words, never a code."""
from actions.forms.case_status_query import describe_case


def test_the_kind_inside_the_service_is_said_in_words():
    said = describe_case({"case_number": "SQ20261207-000002", "service": "consultation_booking",
                          "status": "received", "created_at": "2026-12-07T09:40:00+08:00",
                          "fields": {"consultation_type": "family_doctor"}})
    assert "咨询预约·家庭医生" in said and "family_doctor" not in said and "received" not in said


def test_a_case_without_a_kind_names_the_service_alone():
    said = describe_case({"case_number": "SQ20261207-000003", "service": "elderly_allowance",
                          "status": "accepted", "created_at": "2026-12-07", "fields": {}})
    assert "高龄津贴" in said and "·" not in said
