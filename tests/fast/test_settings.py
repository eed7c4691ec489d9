"""Settings are parsed strictly: exactly the documented values, from the config, then the environment."""

import pytest

from dashboard.settings import Settings, SettingsError
from model.artifacts import DEFAULT_MODEL_PATH


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("false", False), ("0", False),
                                           (True, True), (False, False)])
def test_debug_accepts_exactly_true_false_1_0(raw, expected):
    assert Settings.load({"DIGIT_READER_DEBUG": raw}, environ={}).debug is expected


@pytest.mark.parametrize("raw", ["yes", "on", "True", "TRUE", " true", "2", "", "debug", 1])
def test_debug_refuses_anything_else(raw):
    with pytest.raises(SettingsError, match="DIGIT_READER_DEBUG"):
        Settings.load({"DIGIT_READER_DEBUG": raw}, environ={})


def test_settings_come_from_the_config_then_the_environment_then_defaults():
    environ = {"DIGIT_READER_DEBUG": "1", "DIGIT_READER_MAX_BODY_BYTES": "100000"}
    settings = Settings.load({"DIGIT_READER_DEBUG": "false"}, environ=environ)
    assert settings.debug is False and settings.max_body_bytes == 100_000
    assert settings.frame_ancestors == "'self'" and settings.model_path == DEFAULT_MODEL_PATH
    assert Settings.load({}, environ={}) == Settings()


@pytest.mark.parametrize("value", ["'none'", "'self' https://portal.example.com", "https://*.example.com:8443",
                                   "https:"])
def test_frame_ancestors_accepts_csp_sources(value):
    assert Settings.load({"DIGIT_READER_FRAME_ANCESTORS": value}, environ={}).frame_ancestors == value


@pytest.mark.parametrize("value", ["", "'self'; script-src *", "https://a.example.com,https://b", "'none' 'self'",
                                   "'unsafe-inline'", "javascript:alert(1) x\ny"])
def test_frame_ancestors_refuses_anything_that_could_break_out_of_the_policy(value):
    with pytest.raises(SettingsError, match="DIGIT_READER_FRAME_ANCESTORS"):
        Settings.load({"DIGIT_READER_FRAME_ANCESTORS": value}, environ={})


@pytest.mark.parametrize("value", ["2MB", "-1", "1.5", "0", "100", str(10**12), True])
def test_body_limit_must_be_a_sane_whole_number(value):
    with pytest.raises(SettingsError, match="DIGIT_READER_MAX_BODY_BYTES"):
        Settings.load({"DIGIT_READER_MAX_BODY_BYTES": value}, environ={})
