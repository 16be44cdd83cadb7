"""Settings declared in code with their help text; secrets kept apart from them.

Non-secret settings come from a TOML file (CHORUS_CONFIG) and then the environment
(CHORUS_<NAME>, which wins). Secrets come only from the environment or a secrets file
that must be mode 0600; they are never written to logs, errors or pages.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TypedDict, TypeVar

import platformdirs


class ConfigError(Exception):
    """The configuration or the secrets file is unusable; the message says why."""


SettingValue = str | int | float
_V = TypeVar("_V", str, int, float)


@dataclass(frozen=True)
class Setting:
    name: str
    default: SettingValue
    help: str

    @property
    def env(self) -> str:
        return "CHORUS_" + self.name.upper()


def _setting(default: _V, help: str) -> _V:
    """A field of Settings: its default (whose type is the setting's) and help text."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every non-secret setting, typed by its default: `config.timezone` is a str."""

    database_url: str = _setting("", "PostgreSQL URL; empty means the embedded server.")
    data_dir: str = _setting(
        "",
        "Root for Chorus's own data: the embedded server's data directory (data_dir/pgdata) "
        "unless embedded_dir says otherwise; empty means the user data dir "
        "(~/.local/share/chorus).")
    embedded_dir: str = _setting(
        "",
        "Data directory of the embedded PostgreSQL (used when database_url is empty); "
        "empty means data_dir/pgdata.")
    cache_dir: str = _setting(
        "",
        "Cache for exported ONNX models (cache_dir/onnx); empty means the user cache dir "
        "(~/.cache/chorus).")
    models_dir: str = _setting(
        "",
        "Where `chorus models install` builds model folders (models_dir/multilingual-e5-small); "
        "empty means data_dir/models.")
    outbox_dir: str = _setting("outbox", "Folder for digest .eml/.html files when no SMTP is set.")
    model: str = _setting(
        "",
        "Classifier model: e5 (multilingual-e5-small, built on first use), minilm (the packaged "
        "English all-MiniLM-L6-v2) or a local Hugging Face model folder; empty means e5.")
    torch_threads: int = _setting(0, "Torch CPU threads; 0 means one per core.")
    classify_batch_size: int = _setting(
        32, "Posts per classifier batch (32: faster and 200 MB smaller than 64 on 2 cores, "
        "bench/classify.py).")
    classifier_backend: str = _setting(
        "auto",
        "auto (ONNX Runtime int8 when installed), torch, onnx or onnx-int8.")
    flood_wait_threshold_s: int = _setting(60, "Telegram flood waits up to this are slept through.")
    recheck_window_hours: int = _setting(48, "Re-read this recent window for edits and deletions.")
    telegram_page_size: int = _setting(100, "Messages per Telegram history request (max 100).")
    media_dir: str = _setting(
        "",
        "Content-addressed store of posted images (files named by sha256, one copy however "
        "many posts carry it); empty means data_dir/media.")
    media_download: str = _setting(
        "photos",
        "Images kept from posts: off, photos, or images (photos and documents that are "
        "images). Video is never downloaded.")
    media_max_bytes: int = _setting(
        20 * 1024 * 1024, "Images larger than this many bytes are refused (not downloaded).")
    media_max_pixels: int = _setting(
        50_000_000, "Images with more pixels than this are refused (decompression bombs).")
    ocr_interval_s: int = _setting(
        300, "Daemon: seconds between runs of the OCR job over images not yet read.")
    ocr_batch_size: int = _setting(16, "OCR: images read per committed batch.")
    x_monthly_read_budget: int = _setting(10000, "X posts read per month before collection stops.")
    x_recheck_interval_hours: float = _setting(
        6.0,
        "X: re-read a source's recent window for deletions at most this often (each "
        "re-read spends the monthly read budget).")
    collect_interval_minutes: int = _setting(15, "Default interval between collections of a source.")
    collect_jitter_s: int = _setting(60, "Random delay added to each collection, in seconds.")
    digest_time: str = _setting("07:00", "When the daily digest is sent (HH:MM).")
    timezone: str = _setting("UTC", "Time zone for the digest schedule and dates.")
    smtp_host: str = _setting("", "SMTP server host; empty writes digests to the outbox.")
    smtp_port: int = _setting(587, "SMTP port.")
    smtp_security: str = _setting("starttls", "starttls, tls (implicit) or none.")
    smtp_user: str = _setting("", "SMTP user name (the password is a secret).")
    digest_from: str = _setting("chorus@localhost", "From address of the digest.")
    digest_recipients: str = _setting("", "Comma-separated digest recipients.")
    console_url: str = _setting(
        "http://127.0.0.1:8750",
        "Base URL of the console, for links; behind a TLS proxy its public address "
        "(form posts from that origin are accepted).")
    pre_window_days: int = _setting(7, "Convergence: days before an event searched for pre-positioning.")
    post_window_hours: int = _setting(72, "Convergence: hours after an event that count.")
    convergence_k: int = _setting(3, "Convergence: k in time-to-k-actors.")
    sql_timeout_ms: int = _setting(5000, "Console SQL tab statement timeout.")
    sql_row_cap: int = _setting(1000, "Console SQL tab row cap.")
    sql_cell_cap_bytes: int = _setting(
        32768,
        "Console SQL tab: longer cells are cut to this many bytes (page and CSV).")
    sql_result_cap_bytes: int = _setting(
        8388608,
        "Console SQL tab: fetching stops once a result's cells pass this many bytes.")
    sql_reader_role: str = _setting("chorus_reader", "Console SQL tab: the read-only login role.")
    console_session_hours: int = _setting(12, "Console: hours a login (and its CSRF token) lasts.")
    console_analyst: str = _setting("", "Console on 127.0.0.1: name on labels; empty is the OS user.")
    console_page_size: int = _setting(50, "Console: search results per page.")
    console_export_cap: int = _setting(10000, "Console: most posts a search export returns.")
    console_trusted_proxies: str = _setting(
        "",
        "Console: comma-separated addresses or networks (127.0.0.1, 10.0.0.0/8) of reverse "
        "proxies whose X-Forwarded-For/-Proto are believed; empty believes none. Setting it "
        "also requires login, even on a loopback bind.")
    leader_retry_s: float = _setting(
        15.0,
        "Daemon: longest single wait of a follower on the leader lock (it takes over the "
        "moment the lock is free), and the retry interval while the database is away.")
    leader_check_s: float = _setting(
        5.0,
        "Daemon: seconds between the leader's checks of its lock; a leader silent for 3 "
        "checks (at least 2 s) loses the lock to a follower.")
    collect_shards: int = _setting(
        0,
        "Daemon replicas: split the watched sources into this many shards, each collected by "
        "the replica holding it (leader or follower, a fair share each, each replica with its "
        "own telegram_session); 0: the leader collects every source.")
    shard_poll_s: float = _setting(
        30.0,
        "Daemon replicas: seconds between rebalancing the shards and collecting their due "
        "sources; a dead replica's shards are taken over within this time.")
    job_retry_initial_s: float = _setting(30.0, "Daemon: first retry delay of a failed job (doubles).")
    job_retry_max_s: float = _setting(900.0, "Daemon: longest retry delay of a failed job.")
    shutdown_grace_s: float = _setting(20.0, "Daemon: on SIGTERM, seconds running jobs get to finish.")
    metrics_port: int = _setting(0, "Daemon: port for Prometheus /metrics on metrics_host; 0 is off.")
    metrics_host: str = _setting("127.0.0.1", "Daemon: address the /metrics endpoint listens on.")
    blind_after_minutes: int = _setting(180, "A source without a successful collection this long is blind.")
    smtp_timeout_s: float = _setting(30.0, "SMTP connect and command timeout, in seconds.")
    smtp_ca_file: str = _setting("", "CA bundle to verify the SMTP server; empty uses the system's.")
    alerts_interval_s: int = _setting(
        60,
        "Daemon: seconds between evaluations of the alert rules (each reads only what is new "
        "since its last run) and deliveries of what they found.")
    alert_webhook_timeout_s: float = _setting(
        10.0, "Alerts: connect and read timeout of one webhook POST, in seconds.")
    alert_max_attempts: int = _setting(
        10,
        "Alerts: tries of one delivery (each try retries a few times with backoff) before "
        "it stays failed.")
    discovery_probation_days: int = _setting(
        0,
        "Discovery: days a candidate cited by actors is collected as an observer before it "
        "is shown for a decision; 0 leaves every candidate to the analyst.")
    discovery_probation_min_refs: int = _setting(
        5, "Discovery: citing posts a candidate needs before probation starts.")


# Every field has a default (load_config builds Settings() first), so none is left out.
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"])
    for f in fields(Settings) if isinstance(f.default, str | int | float))

SECRETS: tuple[Setting, ...] = (
    Setting("telegram_api_id", "", "Telegram API id (my.telegram.org)."),
    Setting("telegram_api_hash", "", "Telegram API hash."),
    Setting("telegram_session", "", "Telethon StringSession, written by `chorus telegram login`."),
    Setting("x_bearer_token", "", "X API v2 bearer token."),
    Setting("smtp_password", "", "SMTP password."),
    Setting("console_secret", "", "Key that signs console session cookies."),
    Setting("sql_reader_password", "", "Password of the SQL tab's reader role (password auth)."),
    Setting("console_metrics_token", "",
            "Bearer token a scraper sends to the console's /metrics off loopback "
            "(otherwise /metrics there needs a login)."),
)
SECRET_NAMES = frozenset(s.name for s in SECRETS)
# Per-webhook signing keys: `webhook_secret_<name>` in the secrets file, or the environment's
# CHORUS_WEBHOOK_SECRET_<NAME>; an alert channel names its key by <name> (never its value).
WEBHOOK_SECRET_PREFIX = "webhook_secret_"  # noqa: S105 - a key prefix, not a secret
_WEBHOOK_SECRET = re.compile(r"^webhook_secret_[a-z0-9_]{1,64}$")


def is_secret_name(name: str) -> bool:
    return name in SECRET_NAMES or bool(_WEBHOOK_SECRET.match(name))
MASK = "********"


def _coerce(setting: Setting, value: object) -> SettingValue:
    target = type(setting.default)
    if isinstance(value, target):
        return value
    try:
        if target is str:
            return str(value)
        if isinstance(value, str | int | float):
            return target(value)
    except (TypeError, ValueError):
        pass
    raise ConfigError(f"setting {setting.name} must be {target.__name__}, got {value!r}")


def default_secrets_path() -> Path:
    return Path(platformdirs.user_config_dir("chorus")) / "secrets.toml"


def secrets_path() -> Path:
    return Path(os.environ.get("CHORUS_SECRETS_FILE") or default_secrets_path())


def read_secrets_file(path: Path, *, required: bool = False) -> dict[str, str]:
    """Secrets from a TOML file that only its owner can read; refuse it otherwise.

    A missing file means no secrets only at the default path; a file named explicitly
    (CHORUS_SECRETS_FILE) must exist, or a typo would silently run without credentials."""
    if not path.exists():
        if required:
            raise ConfigError(
                f"secrets file {path} (CHORUS_SECRETS_FILE) does not exist; create it with "
                "mode 0600 (it may be empty) or unset CHORUS_SECRETS_FILE")
        return {}
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"secrets file {path} has mode {mode:04o}; it must be 0600 "
            f"(run: chmod 600 {path})"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # Never echo the file's contents: they are secrets.
        raise ConfigError(f"secrets file {path} is not valid TOML ({type(exc).__name__})") from None
    unknown = sorted(k for k in data if not is_secret_name(k))
    if unknown:
        raise ConfigError(f"secrets file {path} has unknown keys: {', '.join(unknown)}")
    return {k: str(v) for k, v in data.items()}


def write_secret(name: str, value: str, path: Path | None = None) -> Path:
    """Store one secret, creating the file 0600 from the start."""
    if not is_secret_name(name):
        raise ConfigError(f"unknown secret {name}")
    target = path or secrets_path()
    current = read_secrets_file(target)
    current[name] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{k} = {_toml_string(v)}\n" for k, v in sorted(current.items()))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
    os.chmod(target, 0o600)
    return target


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


class ShownSetting(TypedDict):
    value: SettingValue
    help: str


@dataclass(frozen=True, repr=False)
class Config(Settings):
    """The effective settings (typed attributes) and secrets; secrets never appear in repr
    or show()."""

    _secrets: Mapping[str, str] = field(default_factory=dict, compare=False)

    def secret(self, name: str) -> str:
        if name not in SECRET_NAMES:
            raise ConfigError(f"unknown secret {name}")
        return self._secrets.get(name, "")

    def webhook_secret(self, name: str) -> str:
        """The signing key a webhook channel names; "" when none is set."""
        key = WEBHOOK_SECRET_PREFIX + name.lower()
        if not _WEBHOOK_SECRET.match(key):
            raise ConfigError(f"webhook secret name {name!r}: use letters, digits and _")
        return self._secrets.get(key, "")

    def secret_values(self) -> list[str]:
        return [v for v in self._secrets.values() if v]

    def show(self) -> dict[str, ShownSetting]:
        """Every setting with its value, origin-independent; secrets masked."""
        out: dict[str, ShownSetting] = {}
        for s in SETTINGS:
            value: SettingValue = getattr(self, s.name)
            if s.name == "database_url" and value:
                from storage.database import mask_url

                value = mask_url(str(value))
            out[s.name] = {"value": value, "help": s.help}
        for s in SECRETS:
            out[s.name] = {"value": MASK if self._secrets.get(s.name) else "", "help": s.help}
        return out

    def __repr__(self) -> str:
        return "Config(<settings>, <secrets masked>)"

    def with_overrides(self, **values: SettingValue) -> Config:
        return _config(self, values, self._secrets)


def _config(base: Settings, values: Mapping[str, object], secrets: Mapping[str, str]) -> Config:
    """A Config from `base` with `values` (each coerced to its setting's type) and secrets."""
    known = {s.name: s for s in SETTINGS}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(unknown)}")
    start = {s.name: getattr(base, s.name) for s in SETTINGS}
    start.update({name: _coerce(known[name], value) for name, value in values.items()})
    return replace(Config(_secrets=dict(secrets)), **start)


def load_config(env: Mapping[str, str] | None = None, *,
                secrets_may_be_new: bool = False) -> Config:
    """Settings from the defaults, CHORUS_CONFIG's file and the environment; secrets from the
    environment and the secrets file. secrets_may_be_new: a file named by CHORUS_SECRETS_FILE
    may be missing (for `chorus telegram login`, which creates it); elsewhere it is an error."""
    env = os.environ if env is None else env
    values: dict[str, SettingValue] = {}
    config_file = env.get("CHORUS_CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} (CHORUS_CONFIG) does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        secret_keys = sorted(set(data) & SECRET_NAMES)
        if secret_keys:
            raise ConfigError(
                f"config file {path} holds secrets ({', '.join(secret_keys)}); move them to "
                "the environment or the 0600 secrets file"
            )
        known = {s.name: s for s in SETTINGS}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"config file {path}: unknown setting {key!r}")
            values[key] = _coerce(known[key], value)
    for s in SETTINGS:
        if s.env in env:
            values[s.name] = _coerce(s, env[s.env])
    explicit = env.get("CHORUS_SECRETS_FILE")
    secrets = read_secrets_file(Path(explicit) if explicit else default_secrets_path(),
                                required=bool(explicit) and not secrets_may_be_new)
    for s in SECRETS:
        if env.get(s.env):
            secrets[s.name] = env[s.env]
    for key, found in env.items():
        name = key.lower().removeprefix("chorus_")
        if key.startswith("CHORUS_WEBHOOK_SECRET_") and found and _WEBHOOK_SECRET.match(name):
            secrets[name] = found
    return _config(Settings(), values, secrets)


def chorus_data_dir(config: Config) -> Path:
    """data_dir, else the user data dir."""
    return Path(config.data_dir or platformdirs.user_data_dir("chorus")).expanduser()


def embedded_data_dir(config: Config) -> Path:
    """Where the embedded PostgreSQL keeps its data: embedded_dir, else data_dir/pgdata."""
    explicit = config.embedded_dir
    return Path(explicit).expanduser() if explicit else chorus_data_dir(config) / "pgdata"


def media_store_dir(config: Config) -> Path:
    """Where posted images are kept: media_dir, else data_dir/media."""
    explicit = config.media_dir
    return Path(explicit).expanduser() if explicit else chorus_data_dir(config) / "media"
