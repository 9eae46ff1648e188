"""`make proxy`: nginx in front of `make run`'s gunicorn, with TLS. Renders
tools/proxy/nginx.conf.template and the site it includes (site.conf.template) into
DATA_DIR/proxy/, checks it (`nginx -t`) and runs
nginx in the foreground (Ctrl-C stops it). See docs/front-proxy.md.

Environment:
  PROXY_PORT   where nginx listens for HTTPS (8443)
  PORT         where gunicorn listens on 127.0.0.1 (8000, as for `make run`)
  DATA_DIR     the site's data folder: static/ and media/ are served from it (var/)
  TLS_CERT, TLS_KEY   the certificate chain and key; unset, a self-signed pair for 127.0.0.1
               and localhost is made once in DATA_DIR/proxy/tls/ (for trying it on a laptop;
               browsers warn about it)
  PROXY_CHECK_ONLY=1  render and `nginx -t`, then stop
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
SITE_TEMPLATE = Path(__file__).with_name("site.conf.template")
HTTP_TEMPLATE = Path(__file__).with_name("http.conf.template")


def env_port(name, default):
    raw = os.environ.get(name, "").strip() or str(default)
    # ASCII digits only: int() also reads "٣", and isdigit() passes "²", which int() refuses.
    port = int(raw) if raw.isascii() and raw.isdecimal() else 0
    if not 0 < port < 65536:
        sys.exit(f"{name} must be a port number; got {raw!r}")
    return port


def self_signed(tls_dir):
    cert, key = tls_dir / "selfsigned.crt", tls_dir / "selfsigned.key"
    if not cert.exists() or not key.exists():
        tls_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        subprocess.run(  # noqa: S603
            [
                shutil.which("openssl") or "openssl",
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825",
                "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        key.chmod(0o600)
    return cert, key


def worker_user(data_dir):
    """Workers run as the user that owns the data folder (0700): started by root (a systemd
    unit, CI), nginx would otherwise switch them to `nobody`, who cannot read static/ and
    media/; started by that user, it has no choice to make."""
    if os.geteuid() != 0:
        return "# workers run as the user who started nginx"
    import pwd

    return f"user {pwd.getpwuid(data_dir.stat().st_uid).pw_name};"


def fill(template, values):
    """The template's text with each @@NAME@@ replaced; a name left over is a mistake."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", str(value))
    if "@@" in text:
        sys.exit(f"{template.relative_to(ROOT)} names a value that is not filled in")
    return text


def render_site(
    *,
    data_dir,
    listen,
    upstream,
    cert,
    key,
    access_log,
    server_name="_",
    http_server="",
    upstream_name="gunicorn",
):
    """The site's nginx configuration (log format, upstream, servers), for an http {} block:
    `make proxy`'s nginx and Debian's alike. `http_server`: a port-80 server to put before
    the TLS one (HTTP_TEMPLATE, filled in), or nothing."""
    return fill(
        SITE_TEMPLATE,
        {
            "UPSTREAM_NAME": upstream_name,
            "UPSTREAM": upstream,
            "HTTP_SERVER": http_server,
            "LISTEN": listen,
            "SERVER_NAME": server_name,
            "ACCESS_LOG": access_log,
            "TLS_CERT": cert,
            "TLS_KEY": key,
            "STATIC_ROOT": data_dir / "static",
            "MEDIA_ROOT": data_dir / "media",
        },
    )


def render(data_dir, run_dir, listen, upstream, cert, key):
    """`make proxy`'s nginx.conf and the site file it includes: (nginx.conf, site.conf)."""
    site = render_site(
        data_dir=data_dir,
        listen=f"127.0.0.1:{listen}" if os.environ.get("PROXY_LOCAL_ONLY") else str(listen),
        upstream=upstream,
        cert=cert,
        key=key,
        access_log=run_dir / "access.log",
    )
    values = {
        "USER_LINE": worker_user(data_dir),
        "RUN_DIR": run_dir,
        "SITE_CONF": run_dir / "site.conf",
    }
    return fill(TEMPLATE, values), site


def main():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx is not installed: apt-get install nginx (Debian's package)")
    data_dir = Path(os.environ.get("DATA_DIR") or ROOT / "var").resolve()
    run_dir = data_dir / "proxy"
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    listen = env_port("PROXY_PORT", 8443)
    upstream = f"127.0.0.1:{env_port('PORT', 8000)}"
    if os.environ.get("TLS_CERT") or os.environ.get("TLS_KEY"):
        cert, key = Path(os.environ["TLS_CERT"]), Path(os.environ["TLS_KEY"])
    else:
        cert, key = self_signed(run_dir / "tls")
    config = run_dir / "nginx.conf"
    main_text, site_text = render(data_dir, run_dir, listen, upstream, cert, key)
    (run_dir / "site.conf").write_text(site_text)
    config.write_text(main_text)
    command = [nginx, "-p", str(run_dir), "-e", "stderr", "-c", str(config)]
    subprocess.run([*command, "-q", "-t"], check=True)  # noqa: S603
    if os.environ.get("PROXY_CHECK_ONLY"):
        print(f"{config}: ok")
        return
    print(f"nginx on https://127.0.0.1:{listen}/ in front of gunicorn on {upstream} (Ctrl-C stops)")
    sys.stdout.flush()
    os.execv(nginx, [*command, "-g", "daemon off;"])  # noqa: S606


if __name__ == "__main__":
    main()
