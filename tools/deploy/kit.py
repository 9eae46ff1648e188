"""`make deploy-files DOMAIN=www.example.com`: the kit that runs the site on one Debian server
(docs/deploy.md), written into DATA_DIR/deploy/:

  nginx/DOMAIN.conf         port 80 (the ACME challenge from a webroot, the rest to https) and
                            the TLS server of tools/proxy (site.conf.template), for
                            /etc/nginx/sites-enabled/
  nginx/DOMAIN-http.conf    port 80 alone: until the first certificate exists
  systemd/*.service, *.timer  gunicorn; send_outbox every minute; the daily jobs
  site.env                  the site's environment (0600; a secret key made once, never
                            replaced; the e-mail server and DJANGO_ADMINS to fill in)
  install.sh, certbot.sh    the root commands that put them in place, and get the certificate
  manage.sh                 manage.py as the site's user with the site's environment

Environment: DOMAIN (required), DATA_DIR, ACME_EMAIL (for Let's Encrypt's notices; none
without), SITE_USER (the owner of DATA_DIR), TLS_CERT/TLS_KEY (instead of Let's Encrypt's
paths; the tests use a certificate of their own).
"""

import grp
import importlib.util
import os
import pwd
import re
import secrets
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ACME_ROOT = Path("/var/www/letsencrypt")
PREFIX = "site"
# name -> (what it does, the commands, when, systemd's OnCalendar, timer extras)
JOBS = {
    "send-outbox": (
        "release the seats of bookings whose deposit did not come in time; send the e-mails due",
        ["release_holds", "send_outbox"],
        "every minute",
        "*-*-* *:*:00",
        # The default accuracy (a minute) would let a run slip into the next one's minute.
        "AccuracySec=5s\n",
    ),
    "daily": (
        "purge old suspected spam and travellers' documents",
        ["purge_suspected_spam", "purge_traveller_documents"],
        "daily at 03:30 Cusco time",
        "*-*-* 03:30:00 America/Lima",
        "RandomizedDelaySec=10min\n",
    ),
}


def _proxy():
    """tools/proxy/run.py, whose render_site() writes the TLS server `make proxy` runs."""
    spec = importlib.util.spec_from_file_location("proxy_run", ROOT / "tools/proxy/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def domain_name(raw):
    """A host name (www.example.com), lower case; anything else stops the kit."""
    name = raw.strip().lower()
    label = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
    if not re.fullmatch(rf"{label}(\.{label})+", name) or len(name) > 253:
        sys.exit(f"DOMAIN must be a host name such as www.example.com; got {raw!r}")
    return name


def fill(template, values):
    return _proxy().fill(HERE / template if isinstance(template, str) else template, values)


def render(domain, *, data_dir, checkout, user, group, cert=None, key=None):
    """{relative path: (text, mode)} of the whole kit."""
    proxy = _proxy()
    cert = cert or f"/etc/letsencrypt/live/{domain}/fullchain.pem"
    key = key or f"/etc/letsencrypt/live/{domain}/privkey.pem"
    deploy = data_dir / "deploy"
    env_file = deploy / "site.env"
    common = {
        "DOMAIN": domain,
        "USER": user,
        "GROUP": group,
        "CHECKOUT": checkout,
        "DATA_DIR": data_dir,
        "ENV_FILE": env_file,
    }
    log = f"/var/log/nginx/{domain}.access.log"
    http = proxy.fill(
        proxy.HTTP_TEMPLATE,
        {"SERVER_NAME": domain, "ACCESS_LOG": log, "ACME_ROOT": ACME_ROOT},
    )
    site = proxy.render_site(
        data_dir=data_dir,
        listen="443",
        upstream="127.0.0.1:8000",
        cert=cert,
        key=key,
        access_log=log,
        server_name=domain,
        http_server=http,
        upstream_name=f"{PREFIX}_gunicorn",
    )
    # Port 80 alone needs the log format the full file defines.
    log_format = next(line for line in site.splitlines() if line.startswith("log_format"))
    files = {
        f"nginx/{domain}.conf": (site, 0o644),
        f"nginx/{domain}-http.conf": (f"{log_format}\n\n{http}", 0o644),
        f"systemd/{PREFIX}-gunicorn.service": (fill("gunicorn.service.template", common), 0o644),
    }
    python = f"{checkout}/.venv/bin/python"
    for name, (description, commands, when, calendar, extra) in JOBS.items():
        values = {**common, "NAME": f"{PREFIX}-{name}", "DESCRIPTION": description}
        execs = "\n".join(f"ExecStart={python} manage.py {command}" for command in commands)
        files[f"systemd/{PREFIX}-{name}.service"] = (
            fill("job.service.template", {**values, "EXEC_LINES": execs}),
            0o644,
        )
        files[f"systemd/{PREFIX}-{name}.timer"] = (
            fill(
                "job.timer.template",
                {**values, "WHEN": when, "ON_CALENDAR": calendar, "TIMER_EXTRA": extra},
            ),
            0o644,
        )
    units = [Path(p).name for p in files if p.startswith("systemd/")]
    timers = [u for u in units if u.endswith(".timer")]
    files["install.sh"] = (
        fill(
            "install.sh.template",
            {
                **common,
                "DEPLOY": deploy,
                "UNITS": " ".join(units),
                "TIMERS": " ".join(timers),
                "GUNICORN": f"{PREFIX}-gunicorn.service",
                "ACME_ROOT": ACME_ROOT,
            },
        ),
        0o755,
    )
    files["manage.sh"] = (fill("manage.sh.template", {**common, "DEPLOY": deploy}), 0o755)
    email = os.environ.get("ACME_EMAIL", "").strip()
    account = f"--email {shlex.quote(email)}" if email else "--register-unsafely-without-email"
    files["certbot.sh"] = (
        fill(
            "certbot.sh.template",
            {**common, "DEPLOY": deploy, "ACME_ROOT": ACME_ROOT, "ACCOUNT": account},
        ),
        0o755,
    )
    return files


def site_env(domain, data_dir, existing):
    """The site's environment. A secret key already there is kept: a new one would sign every
    staff session and booking link out."""
    key = None
    if existing.exists():
        for line in existing.read_text().splitlines():
            if line.startswith("DJANGO_SECRET_KEY="):
                key = line.partition("=")[2]
    key = key or secrets.token_urlsafe(50)
    return fill("site.env.template", {"DOMAIN": domain, "DATA_DIR": data_dir, "SECRET_KEY": key})


def main():
    domain = domain_name(os.environ.get("DOMAIN", ""))
    data_dir = Path(os.environ.get("DATA_DIR") or ROOT / "var").resolve()
    owner = data_dir.stat().st_uid if data_dir.exists() else os.getuid()
    user = os.environ.get("SITE_USER") or pwd.getpwuid(owner).pw_name
    group = grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
    files = render(
        domain,
        data_dir=data_dir,
        checkout=ROOT,
        user=user,
        group=group,
        cert=os.environ.get("TLS_CERT"),
        key=os.environ.get("TLS_KEY"),
    )
    deploy = data_dir / "deploy"
    env_file = deploy / "site.env"
    files["site.env"] = (site_env(domain, data_dir, env_file), 0o600)
    for relative, (text, mode) in files.items():
        path = deploy / relative
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(text)
        path.chmod(mode)
    print(f"Wrote the deploy kit for {domain} into {deploy}/ ({len(files)} files).")
    print(f"Next (docs/deploy.md): edit {env_file}, then as root: sh {deploy}/install.sh")


if __name__ == "__main__":
    main()
