"""The one-server deploy kit (issue 26, item 4): `make deploy-files DOMAIN=...` writes an nginx
site (port 80 for the ACME challenge and a redirect, the TLS server of tools/proxy), systemd
units and timers, the site's environment and the root commands. Checked by nginx itself
(`nginx -t`, inside Debian's own nginx.conf, with a certificate made here) and by
`systemd-analyze verify`."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "www.example.com"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _kit(tmp_path, domain=DOMAIN, **env):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "tools/deploy/kit.py"],
        cwd=ROOT,
        env={**os.environ, "DOMAIN": domain, "DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result, data_dir / "deploy"


def _certificate(tmp_path):
    cert, key = tmp_path / "test.crt", tmp_path / "test.key"
    subprocess.run(  # noqa: S603
        [
            shutil.which("openssl") or "openssl",
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={DOMAIN}", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _nginx_t(tmp_path, site_file):
    """`nginx -t` of the site file included where Debian's nginx.conf includes sites-enabled."""
    debian = Path("/etc/nginx/nginx.conf")
    if debian.exists():
        main = debian.read_text()
        assert "include /etc/nginx/sites-enabled/*;" in main
        main = main.replace("include /etc/nginx/sites-enabled/*;", f"include {site_file};")
    else:
        main = f"events {{}}\nhttp {{\n include /etc/nginx/mime.types;\n include {site_file};\n}}\n"
    lines = [line for line in main.splitlines() if not line.strip().startswith("pid ")]
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text("\n".join([f"pid {tmp_path}/nginx.pid;", *lines]) + "\n")
    return subprocess.run(  # noqa: S603
        [NGINX, "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", str(wrapper)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def kit(tmp_path):
    cert, key = _certificate(tmp_path)
    result, deploy = _kit(tmp_path, TLS_CERT=str(cert), TLS_KEY=str(key))
    assert result.returncode == 0, result.stderr
    return deploy


def test_the_kit_has_every_file(kit):
    found = sorted(str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file())
    assert found == [
        "certbot.sh",
        "install.sh",
        "manage.sh",
        f"nginx/{DOMAIN}-http.conf",
        f"nginx/{DOMAIN}.conf",
        "site.env",
        "systemd/site-daily.service",
        "systemd/site-daily.timer",
        "systemd/site-gunicorn.service",
        "systemd/site-send-outbox.service",
        "systemd/site-send-outbox.timer",
    ]


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (.ci/run installs it)")
@pytest.mark.parametrize("name", [f"{DOMAIN}.conf", f"{DOMAIN}-http.conf"])
def test_nginx_accepts_the_site_in_debians_configuration(kit, tmp_path, name):
    result = _nginx_t(tmp_path, kit / "nginx" / name)
    assert result.returncode == 0, result.stderr
    assert "emerg" not in result.stderr


def test_port_80_answers_the_acme_challenge_and_sends_the_rest_to_https(kit):
    for name in (f"{DOMAIN}.conf", f"{DOMAIN}-http.conf"):
        site = (kit / "nginx" / name).read_text()
        port_80 = site.split("listen 80;")[1].split("\n}\n")[0]
        assert "location /.well-known/acme-challenge/ {\n        root /var/www/letsencrypt;" in (
            port_80
        )
        # The configured name, never the client's Host header.
        assert f"return 301 https://{DOMAIN}$request_uri;" in port_80
        assert "$host" not in port_80


def test_the_tls_server_is_the_one_make_proxy_runs(kit):
    site = (kit / "nginx" / f"{DOMAIN}.conf").read_text()
    tested = (ROOT / "tools/proxy/site.conf.template").read_text()
    tls_server = tested[tested.index("server {\n    listen @@LISTEN@@") :]
    assert f"listen 443 ssl http2;\n    server_name {DOMAIN};" in site
    for line in tls_server.splitlines():
        if "@@" not in line:
            assert line in site, line
    assert "proxy_pass http://site_gunicorn;" in site


def test_without_tls_variables_the_site_uses_lets_encrypts_certificate(tmp_path):
    result, deploy = _kit(tmp_path)
    assert result.returncode == 0, result.stderr
    site = (deploy / "nginx" / f"{DOMAIN}.conf").read_text()
    assert f"ssl_certificate /etc/letsencrypt/live/{DOMAIN}/fullchain.pem;" in site
    assert f"ssl_certificate_key /etc/letsencrypt/live/{DOMAIN}/privkey.pem;" in site
    certbot = (deploy / "certbot.sh").read_text()
    assert f"certbot certonly --webroot -w /var/www/letsencrypt -d {DOMAIN}" in certbot


def test_timers_send_the_outbox_every_minute_and_run_the_daily_jobs(kit):
    systemd = kit / "systemd"
    assert "OnCalendar=*-*-* *:*:00\n" in (systemd / "site-send-outbox.timer").read_text()
    assert "manage.py send_outbox\n" in (systemd / "site-send-outbox.service").read_text()
    daily = (systemd / "site-daily.service").read_text()
    assert "manage.py purge_suspected_spam\n" in daily
    assert "manage.py purge_traveller_documents\n" in daily
    assert "OnCalendar=*-*-* 03:30:00 America/Lima" in (systemd / "site-daily.timer").read_text()
    gunicorn = (systemd / "site-gunicorn.service").read_text()
    assert f"ExecStart={ROOT}/.venv/bin/gunicorn -c operator_site/gunicorn.conf.py" in gunicorn
    assert f"EnvironmentFile={kit}/site.env" in gunicorn


@pytest.mark.skipif(
    not shutil.which("systemd-analyze") and not IN_CI,
    reason="systemd-analyze is not installed (.ci/run installs it)",
)
def test_systemd_accepts_the_units_and_timers(kit):
    units = sorted(str(p) for p in (kit / "systemd").iterdir())
    result = subprocess.run(  # noqa: S603
        [shutil.which("systemd-analyze") or "systemd-analyze", "verify", *units],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_the_environment_is_secret_and_keeps_its_key_when_written_again(tmp_path):
    _result, deploy = _kit(tmp_path)
    env = deploy / "site.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    first = env.read_text()
    assert f"SITE_URL=https://{DOMAIN}\n" in first and "DJANGO_HTTPS=1\n" in first
    _kit(tmp_path)
    assert env.read_text() == first  # the same secret key: sessions and links stay valid


@pytest.mark.parametrize("domain", ["", "example", "https://www.example.com", "a b.com", "-x.com"])
def test_a_bad_domain_stops_the_kit(tmp_path, domain):
    result, deploy = _kit(tmp_path, domain=domain)
    assert result.returncode != 0
    assert "DOMAIN must be a host name" in result.stderr
    assert not deploy.exists()


@pytest.mark.parametrize("name", ["install.sh", "certbot.sh", "manage.sh"])
def test_the_root_commands_are_valid_shell_run_as_the_sites_user(kit, name):
    script = kit / name
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0  # noqa: S603,S607
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    if name == "manage.sh":
        text = script.read_text()
        assert f"--property=EnvironmentFile={kit}/site.env" in text
        assert f"--working-directory={ROOT}" in text
