#!/usr/bin/env python3
"""Check Copyist's Flatpak manifest.

    check-flatpak-manifest.py MANIFEST      check the manifest, exit 1 with the reasons
    check-flatpak-manifest.py --self-test   check that the checks reject bad manifests

What is checked: the manifest parses as JSON; it names the GNOME runtime and
SDK; every module has a name and sources, and every source is pinned (an
archive or file by an https URL and a sha256, a git source by a commit); only
the app's own module may use a local "dir" source; the app module is built
with meson and -Dtests=false; OpenBLAS is built with DYNAMIC_ARCH=1 and
without OpenMP; and the sandbox grants no network, no file system, no device
other than DRI, and X11 only as a fallback for Wayland. Files reach the app
through the document portal only.

Python 3 standard library only.
"""

import copy
import json
import re
import sys

APP_ID = "io.github.copyist.Copyist"
APP_MODULE = "copyist"
REQUIRED_ARGS = {"--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")


def forbidden_arg(arg):
    """Why a finish-arg is not allowed, or None."""
    if arg.startswith("--share=network"):
        return "network access"
    if arg.startswith("--filesystem="):
        return "file system access (files come through the portal)"
    if arg in ("--device=all", "--device=shm") or arg.startswith("--device=") and arg != "--device=dri":
        return "device access beyond DRI"
    if arg == "--socket=x11":
        return "X11 without Wayland (use --socket=fallback-x11)"
    if arg.startswith("--socket=") and arg not in ("--socket=wayland", "--socket=fallback-x11"):
        return "a socket the app does not need"
    if arg.startswith("--talk-name=org.freedesktop.Flatpak"):
        return "escaping the sandbox"
    return None


def walk_modules(modules, path=""):
    for m in modules:
        if isinstance(m, str):
            yield path + m, None   # an external module file: cannot be checked here
            continue
        yield path + m.get("name", "?"), m
        yield from walk_modules(m.get("modules", []), path + m.get("name", "?") + "/")


def check(manifest):
    """A list of problems; empty when the manifest is fine."""
    problems = []
    if manifest.get("id", manifest.get("app-id")) != APP_ID:
        problems.append("the id is not %s" % APP_ID)
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("the runtime is not org.gnome.Platform with org.gnome.Sdk")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        problems.append("runtime-version is not a GNOME release number: %r" % manifest.get("runtime-version"))
    if manifest.get("command") != "copyist":
        problems.append("the command is not copyist")

    args = manifest.get("finish-args", [])
    for arg in args:
        why = forbidden_arg(arg)
        if why:
            problems.append("finish-args grants %s: %s" % (why, arg))
    for arg in sorted(REQUIRED_ARGS - set(args)):
        problems.append("finish-args lacks %s" % arg)

    modules = manifest.get("modules", [])
    if not modules:
        problems.append("there are no modules")
    names = set()
    for path, m in walk_modules(modules):
        if m is None:
            problems.append("module %s is an external file; inline it so its sources can be checked" % path)
            continue
        name = m.get("name")
        if not name:
            problems.append("a module has no name")
        elif name in names:
            problems.append("two modules are called %s" % name)
        names.add(name)
        sources = m.get("sources", [])
        if not sources:
            problems.append("module %s has no sources" % path)
        for s in sources:
            if isinstance(s, str):
                problems.append("module %s has an external source file %s" % (path, s))
                continue
            kind = s.get("type")
            if kind in ("archive", "file"):
                url = s.get("url", "")
                if not url.startswith("https://"):
                    problems.append("module %s: source %r is not an https URL" % (path, url or s.get("path")))
                if not SHA256_RE.match(s.get("sha256", "")):
                    problems.append("module %s: source %s is not pinned by a sha256" % (path, url or s.get("path")))
            elif kind == "git":
                if not COMMIT_RE.match(s.get("commit", "")):
                    problems.append("module %s: git source %s is not pinned to a commit" % (path, s.get("url")))
            elif kind == "dir":
                if name != APP_MODULE:
                    problems.append("module %s uses a local directory; only the app module may" % path)
            elif kind == "patch":
                if not s.get("path"):
                    problems.append("module %s: a patch source without a path" % path)
            else:
                problems.append("module %s: source type %r cannot be pinned" % (path, kind))

    app = modules[-1] if modules and isinstance(modules[-1], dict) else {}
    if app.get("name") != APP_MODULE:
        problems.append("the last module is not the app (%s)" % APP_MODULE)
    else:
        if app.get("buildsystem") != "meson":
            problems.append("the app module is not built with meson")
        if "-Dtests=false" not in app.get("config-opts", []):
            problems.append("the app module does not pass -Dtests=false")

    blas = [m for _, m in walk_modules(modules) if m and m.get("name", "").lower() == "openblas"]
    if not blas:
        problems.append("there is no openblas module")
    for m in blas:
        text = " ".join(m.get("build-commands", []) + m.get("make-args", []))
        if "DYNAMIC_ARCH=1" not in text:
            problems.append("openblas is not built with DYNAMIC_ARCH=1")
        if "USE_OPENMP=0" not in text:
            problems.append("openblas is not built with USE_OPENMP=0")
    return problems


def self_test(good):
    """Each mutation of a good manifest must be rejected with the right reason."""
    def mutated(fn):
        m = copy.deepcopy(good)
        fn(m)
        return m

    def module(m, name):
        return next(x for x in m["modules"] if x.get("name") == name)

    cases = [
        ("network access", lambda m: m["finish-args"].append("--share=network")),
        ("file system access", lambda m: m["finish-args"].append("--filesystem=home")),
        ("file system access", lambda m: m["finish-args"].append("--filesystem=host:ro")),
        ("device access", lambda m: m["finish-args"].append("--device=all")),
        ("X11 without Wayland", lambda m: m["finish-args"].append("--socket=x11")),
        ("lacks --socket=wayland", lambda m: m["finish-args"].remove("--socket=wayland")),
        ("not pinned by a sha256", lambda m: module(m, "openblas")["sources"][0].pop("sha256")),
        ("not pinned by a sha256", lambda m: module(m, "uchardet")["sources"][0].update(sha256="abc")),
        ("not an https URL", lambda m: module(m, "libxlsxwriter")["sources"][0].update(
            url="http://example.org/x.tar.gz")),
        ("not pinned to a commit", lambda m: module(m, "uchardet").update(
            sources=[{"type": "git", "url": "https://example.org/u.git", "branch": "master"}])),
        ("only the app module may", lambda m: module(m, "libxlsxwriter").update(
            sources=[{"type": "dir", "path": "../libxlsxwriter"}])),
        ("has no sources", lambda m: module(m, "uchardet").update(sources=[])),
        ("-Dtests=false", lambda m: module(m, APP_MODULE).pop("config-opts")),
        ("DYNAMIC_ARCH=1", lambda m: module(m, "openblas").update({"build-commands": ["make", "make install"]})),
        ("runtime", lambda m: m.update(runtime="org.freedesktop.Platform")),
        ("external file", lambda m: m["modules"].insert(0, "shared-modules/foo.json")),
    ]
    if check(good):
        print("the good manifest is rejected: %s" % check(good))
        return 1
    failed = 0
    for expected, fn in cases:
        problems = check(mutated(fn))
        if not any(expected in p for p in problems):
            print("not ok: a manifest with '%s' was not rejected (got %s)" % (expected, problems))
            failed += 1
        else:
            print("ok: rejected '%s'" % expected)
    return 1 if failed else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "--self-test":
        path = argv[1]
    elif len(argv) == 1:
        path = argv[0]
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: %s" % (path, e))
        return 1
    if argv[0] == "--self-test":
        return self_test(manifest)
    problems = check(manifest)
    for p in problems:
        print("%s: %s" % (path, p))
    if not problems:
        print("%s: ok (%d modules, finish-args %s)" % (path, len(manifest["modules"]), " ".join(manifest["finish-args"])))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
