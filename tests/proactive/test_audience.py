"""Who a campaign's target selects: service used, estate, building, age band, channel."""
from state.audience import Member, Target

ELDER = Member("wechat", "o1", ["elderly_home_service"], "幸福小区", "3", 1946)
PARENT = Member("webchat", "web-1", ["after_school_care"], "幸福小区", "5", 1990)


def test_each_criterion_narrows_and_an_empty_target_takes_everyone():
    assert Target().matches(ELDER, 2026) and Target().matches(PARENT, 2026)
    assert Target(service="elderly_home_service").matches(ELDER, 2026)
    assert not Target(service="elderly_home_service").matches(PARENT, 2026)
    assert not Target(estate="幸福小区", building="3").matches(PARENT, 2026)
    assert not Target(channel="wechat").matches(PARENT, 2026)


def test_age_band_from_the_birth_year_and_unknown_ages_left_out():
    assert Target(age_min=80).matches(ELDER, 2026)          # 80 in 2026
    assert not Target(age_min=81).matches(ELDER, 2026)
    assert Target(age_min=30, age_max=40).matches(PARENT, 2026)
    assert not Target(age_max=79).matches(ELDER, 2026)
    assert not Target(age_min=18).matches(Member("wechat", "o2"), 2026)
