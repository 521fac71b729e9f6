"""Configuration: defaults, a TOML file, and environment variables over the file."""

from __future__ import annotations

import pytest

from vanthu.settings import load_settings


def test_defaults_put_everything_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in ("VANTHU_CONFIG", "VANTHU_DATA_DIR", "VANTHU_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    s = load_settings()
    assert s.data_dir == tmp_path / "vanthu-data"
    assert s.database_url == f"sqlite:///{tmp_path / 'vanthu-data' / 'vanthu.db'}"
    assert s.trust_dir == tmp_path / "vanthu-data" / "trust"


def test_toml_file_then_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "office.toml"
    cfg.write_text('port = 9001\norganization_name = "SỞ NỘI VỤ"\nlog_level = "DEBUG"\n')
    monkeypatch.setenv("VANTHU_CONFIG", str(cfg))
    monkeypatch.setenv("VANTHU_PORT", "9002")
    s = load_settings()
    assert s.port == 9002  # the environment wins
    assert s.organization_name == "SỞ NỘI VỤ"
    assert s.log_level == "DEBUG"


def test_a_missing_config_file_or_an_unknown_key_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("VANTHU_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        load_settings()
    cfg = tmp_path / "bad.toml"
    cfg.write_text("prot = 1\n")
    monkeypatch.setenv("VANTHU_CONFIG", str(cfg))
    with pytest.raises(ValueError, match="prot"):
        load_settings()
