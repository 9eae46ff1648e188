"""`make audit`: Lighthouse (pinned in tools/audit) on the home page, the trek list, the Lares
page, the Spanish home and Lares pages, and a travel-blog post, mobile preset, headless
Chromium, against gunicorn started as `make run` starts it on a temporary DATA_DIR with the
demo fixtures; then the Lares page again after 8 camera-size photos (4000×3000 JPEGs, through
the admin's photo pipeline: tools/measure/photos.py) were added to it. Prints the four category
scores of each page and what cost points; exits 1 when accessibility, best practices or SEO is
below 100 on any page. "Lares with 8 photos" also has timing figures (issue 15): performance at
least 95 and LCP at most 2.5 s, printed as ok or MISSED; they fail the run only with
`--timings`, because Lighthouse's performance score is a timing that moves with how busy the
machine is (seen: 91 to 100 for the same page in two runs), and CI runs this on a shared
machine. The other pages' performance is printed only.

    python -m tools.measure.audit [--keep-reports DIR] [--timings]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .server import BASE_DIR, gunicorn, temporary_stack

PAGES = [
    "/",
    "/treks/",
    "/treks/lares-trek/",
    "/es/",
    "/es/caminatas/caminata-lares/",
    "/blog/lares-trek-or-inca-trail/",
]
# Audited after the photos are added: (label, path).
PHOTO_PAGES = [("Lares with 8 photos", "/treks/lares-trek/")]
PHOTO_PERFORMANCE = 95
PHOTO_LCP_MS = 2500
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
ASSERTED = {"accessibility": 100, "best-practices": 100, "seo": 100}
LIGHTHOUSE = BASE_DIR / "tools" / "audit" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --disable-dev-shm-usage"
)


LIGHTHOUSE_ATTEMPTS = 3


def lighthouse(url, report_path):
    """Category scores (0-100) and the failing audits of one Lighthouse run."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": CHROME}
    # Lighthouse now and then fails to record a page load on a busy machine ("NO_NAVSTART",
    # "Something went wrong with recording the trace"): that is the tool, not the page, so a
    # run that errors is tried again; scores are only ever taken from a run that completed.
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            subprocess.run(command, env=env, check=True, timeout=300)  # noqa: S603
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if attempt == LIGHTHOUSE_ATTEMPTS:
                raise
            print(f"lighthouse failed on {url} (attempt {attempt}); trying again", flush=True)
    report = json.loads(Path(report_path).read_text())
    scores = {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}
    failing = {}
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.setdefault(key, []).append(f"{ref['id']} ({audit['score']:.2f})")
    lcp = report["audits"]["largest-contentful-paint"]["numericValue"]
    return scores, failing, lcp


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep-reports", type=Path, help="write the JSON reports here")
    parser.add_argument(
        "--timings",
        action="store_true",
        help="also fail when Lares with 8 photos misses its performance or LCP figure",
    )
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make audit` (it runs npm ci in tools/audit)")
    if not (Path(CHROME).exists() or shutil.which(CHROME)):
        sys.exit(f"Chromium not found at {CHROME}: apt-get install chromium")
    results = {}
    with temporary_stack() as env, gunicorn(env, name="audit") as (base_url, _):
        reports = args.keep_reports or Path(tempfile.mkdtemp(prefix="lighthouse-"))
        reports.mkdir(parents=True, exist_ok=True)
        for path in PAGES:
            name = path.strip("/").replace("/", "-") or "home"
            results[path] = lighthouse(base_url + path, reports / f"{name}.json")
        # The photos go in through the stack's own settings (same DATA_DIR, database and file
        # cache), so the running gunicorn sees the page-cache version bump as admin would cause.
        subprocess.run(
            [sys.executable, "-m", "tools.measure.photos"],
            cwd=BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "operator_site.settings"},
            check=True,
        )
        for label, path in PHOTO_PAGES:
            name = label.lower().replace(" ", "-")
            results[label] = lighthouse(base_url + path, reports / f"{name}.json")
    print(f"Lighthouse 12.2.3, mobile preset, {CHROME} headless, gunicorn as `make run`\n")
    print(f"{'page':<32}" + "".join(f"{c:>16}" for c in CATEGORIES) + f"{'LCP':>10}")
    missed, timings = [], []
    photo_labels = {label for label, _ in PHOTO_PAGES}
    for path, (scores, failing, lcp) in results.items():
        print(f"{path:<32}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES) + f"{lcp:>8.0f}ms")
        for category, minimum in ASSERTED.items():
            if scores[category] < minimum:
                missed.append(f"{path} {category} {scores[category]}: {failing.get(category)}")
        if path in photo_labels:
            timings.append((f"{path}: performance", scores["performance"], ">=", PHOTO_PERFORMANCE))
            timings.append((f"{path}: LCP (ms)", round(lcp), "<=", PHOTO_LCP_MS))
        if failing.get("performance"):
            print(f"{'':<32}performance lost on: {', '.join(failing['performance'])}")
    print()
    timings_missed = []
    for label, value, op, target in timings:
        ok = value >= target if op == ">=" else value <= target
        if not ok:
            timings_missed.append(label)
        print(f"{label:<40}{value:>8}   target {op} {target:<6} " + ("ok" if ok else "MISSED"))
    if args.timings:
        missed += [f"{label} (timing)" for label in timings_missed]
    failed_pages = {path for path in results if any(line.startswith(f"{path} ") for line in missed)}
    failed_pages |= {label.split(":")[0] for label in timings_missed if args.timings}
    if missed:
        print("\nMISSED (accessibility, best practices and SEO must be 100 on every page):")
        print("\n".join(f"  {line}" for line in missed))
    else:
        print("\naccessibility, best practices and SEO: 100 on every page")
    # A closing line in the form test runners use, for whoever reads the end of a CI log.
    print(f"lighthouse: {len(results) - len(failed_pages)} passed, {len(failed_pages)} failed")
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
