#!/usr/bin/env python3
"""Check Copyist's translations.

    check-po.py SOURCE_ROOT        check po/ of the project at SOURCE_ROOT
    check-po.py --self-test        check that the checks catch what they should

Fails when
  * a file with translatable strings (C with _( N_( C_( NC_( g_dngettext(,
    a .ui file with translatable="yes", a desktop file, a metainfo file or a
    GSettings schema) is missing from po/POTFILES.in;
  * po/POTFILES.in is not sorted, lists a file twice, or lists a missing file;
  * a language in po/LINGUAS has no .po file;
  * a .po file fails `msgfmt -c`, or has fuzzy or untranslated messages;
  * a string extracted now by xgettext (same keywords as meson's glib preset)
    is not in the .po file, i.e. the translation is behind the source.

Exit status 77 (meson: skipped) when msgfmt or xgettext is not installed.
Python 3 standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE_DIRS = ("app", "ui", "engine", "data")
C_CALL_RE = re.compile(r"(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|g_dngettext|g_dpgettext2|ngettext)\s*\(")
UI_RE = re.compile(r'translatable\s*=\s*["\']yes["\']')
ALWAYS_TRANSLATABLE = (".desktop.in", ".desktop.in.in", ".metainfo.xml.in", ".metainfo.xml.in.in",
                       ".appdata.xml.in", ".gschema.xml")
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
]


def strip_c_comments_and_strings(text):
    """C source without comments and string literals, so that `_(` inside a
    comment or a string does not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_translatable(path):
    name = os.path.basename(path)
    if name.endswith(ALWAYS_TRANSLATABLE):
        return True
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if name.endswith(".c"):
        return C_CALL_RE.search(strip_c_comments_and_strings(text)) is not None
    if name.endswith(".ui"):
        return UI_RE.search(text) is not None
    return False


def tracked_files(root):
    """The files git tracks under root, or None outside a git checkout (a
    release tarball): a file someone has not committed yet is not part of
    the project, so it cannot be missing from POTFILES.in."""
    if not os.path.exists(os.path.join(root, ".git")) or not shutil.which("git"):
        return None
    r = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True)
    if r.returncode != 0:
        return None
    return {f.decode("utf-8", "replace") for f in r.stdout.split(b"\0") if f}


def translatable_files(root):
    tracked = tracked_files(root)
    found = []
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_build")))
            for name in filenames:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if tracked is not None and rel not in tracked:
                    continue
                if is_translatable(path):
                    found.append(rel)
    return sorted(found)


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def unquote(s):
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError("not a quoted string: %s" % s)
    body = s[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(0)), body)


def parse_po(path):
    """Entries of a .po/.pot file as dicts: ctxt, id, plural, strs (list),
    fuzzy. Obsolete (#~) entries are left out; the header is kept (id "")."""
    entries = []
    cur = None
    field = None

    def finish():
        if cur is not None and "id" in cur:
            entries.append(cur)

    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    flags = set()
    for line in lines:
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {x.strip() for x in line[2:].split(",")}
            continue
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            key = m.group(1)
            # msgctxt always opens an entry; msgid does unless it follows
            # this entry's msgctxt.
            opens = key == "msgctxt" or (key == "msgid" and not (cur is not None and "ctxt" in cur
                                                                 and "id" not in cur))
            if opens:
                finish()
                cur = {"fuzzy": "fuzzy" in flags}
                flags = set()
            value = unquote(m.group(3))
            if key == "msgctxt":
                cur["ctxt"] = value
                field = ("ctxt", None)
            elif key == "msgid":
                cur["id"] = value
                field = ("id", None)
            elif key == "msgid_plural":
                cur["plural"] = value
                field = ("plural", None)
            else:
                idx = int(m.group(2)) if m.group(2) is not None else 0
                strs = cur.setdefault("strs", [])
                while len(strs) <= idx:
                    strs.append("")
                strs[idx] = value
                field = ("strs", idx)
        elif line.startswith('"'):
            if cur is None or field is None:
                raise ValueError("%s: continuation line without a keyword: %s" % (path, line))
            value = unquote(line)
            if field[0] == "strs":
                cur["strs"][field[1]] += value
            else:
                cur[field[0]] += value
        else:
            raise ValueError("%s: cannot read line: %s" % (path, line))
    finish()
    return entries


def key(entry):
    return (entry.get("ctxt"), entry["id"], entry.get("plural"))


def describe(k):
    ctxt, msgid, plural = k
    s = repr(msgid)
    if ctxt:
        s = "%s (context %r)" % (s, ctxt)
    return s


def check(root):
    problems = []
    po_dir = os.path.join(root, "po")
    potfiles_path = os.path.join(po_dir, "POTFILES.in")
    listed = read_list(potfiles_path)
    if listed != sorted(listed):
        for a, b in zip(listed, listed[1:]):
            if a > b:
                problems.append("po/POTFILES.in is not sorted: %s comes before %s" % (a, b))
                break
    dups = sorted({x for x in listed if listed.count(x) > 1})
    for d in dups:
        problems.append("po/POTFILES.in lists %s twice" % d)
    for f in listed:
        if not os.path.exists(os.path.join(root, f)):
            problems.append("po/POTFILES.in lists %s, which does not exist" % f)
    for f in translatable_files(root):
        if f not in listed:
            problems.append("%s has translatable strings but is not in po/POTFILES.in" % f)

    msgfmt = shutil.which("msgfmt")
    xgettext = shutil.which("xgettext")
    if not msgfmt or not xgettext:
        return problems, "msgfmt or xgettext is not installed"

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "fresh.pot")
        existing = [f for f in listed if os.path.exists(os.path.join(root, f))]
        listfile = os.path.join(tmp, "POTFILES")
        with open(listfile, "w", encoding="utf-8") as f:
            f.write("\n".join(existing) + "\n")
        r = subprocess.run([xgettext, "--package-name=copyist", "-f", listfile, "-D", root, "-o", pot]
                           + XGETTEXT_ARGS, capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("xgettext failed: %s" % r.stderr.strip())
            fresh = set()
        else:
            fresh = {key(e) for e in parse_po(pot) if e["id"]} if os.path.exists(pot) else set()

        for lang in read_list(os.path.join(po_dir, "LINGUAS")):
            po = os.path.join(po_dir, lang + ".po")
            if not os.path.exists(po):
                problems.append("po/LINGUAS lists %s but po/%s.po does not exist" % (lang, lang))
                continue
            r = subprocess.run([msgfmt, "--statistics", "-c", "-o", os.devnull, po],
                               capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
            if r.returncode != 0:
                problems.append("msgfmt -c rejects po/%s.po:\n%s" % (lang, r.stderr.strip()))
            stats = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
            for what in ("fuzzy", "untranslated"):
                m = re.search(r"(\d+) %s" % what, stats)
                if m and int(m.group(1)) > 0:
                    problems.append("po/%s.po has %s %s messages (%s)" % (lang, m.group(1), what, stats))
            entries = parse_po(po)
            have = {key(e) for e in entries if e["id"]}
            for k in sorted(fresh - have, key=lambda k: (k[0] or "", k[1])):
                problems.append("po/%s.po lacks the new string %s" % (lang, describe(k)))
            for e in entries:
                if not e["id"]:
                    continue
                if e["fuzzy"]:
                    problems.append("po/%s.po: %s is fuzzy" % (lang, describe(key(e))))
                elif not e.get("strs") or any(s == "" for s in e["strs"]):
                    problems.append("po/%s.po: %s is not translated" % (lang, describe(key(e))))
            print("po/%s.po: %s; %d strings in the sources, %d in the file"
                  % (lang, stats or "no statistics", len(fresh), len(have)))
    return problems, None


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


PO_HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
             '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')


def self_test():
    """Build small projects in a temporary directory, each broken in one way,
    and check that each is rejected with the right reason."""
    good_c = '#include <glib/gi18n.h>\nconst char *f (void) { return _("Products"); }\n'
    good_po = PO_HEADER + 'msgid "Products"\nmsgstr "商品"\n'
    cases = {
        "good": ({}, None),
        "missing": ({"app/b.c": 'const char *g (void) { return N_("Export"); }\n'}, "not in po/POTFILES.in"),
        "missing-ui": ({"ui/w.ui": '<interface><object class="GtkLabel"><property name="label" translatable="yes">Hi</property></object></interface>\n'},
                       "ui/w.ui has translatable strings"),
        "comment-only": ({"app/c.c": '/* _("not a call") */\nint x;\n'}, None),
        "unsorted": ({"po/POTFILES.in": "app/z.c\napp/a.c\n", "app/z.c": "int z;\n"}, "not sorted"),
        "fuzzy": ({"po/zh_CN.po": PO_HEADER + '#, fuzzy\nmsgid "Products"\nmsgstr "产品"\n'}, "fuzzy"),
        "untranslated": ({"po/zh_CN.po": PO_HEADER + 'msgid "Products"\nmsgstr ""\n'}, "untranslated"),
        "new-string": ({"app/a.c": good_c + 'const char *h (void) { return _("Train"); }\n'},
                       "lacks the new string 'Train'"),
        "no-po": ({"po/LINGUAS": "zh_CN\nfr\n"}, "po/fr.po does not exist"),
        "git-untracked": ({"app/wip.c": 'const char *w (void) { return _("Draft"); }\n'}, None),
        "git-tracked": ({"app/wip.c": 'const char *w (void) { return _("Draft"); }\n'}, "app/wip.c has translatable"),
    }
    failed = 0
    for name, (changes, expected) in cases.items():
        with tempfile.TemporaryDirectory() as root:
            files = {"po/POTFILES.in": "app/a.c\n", "po/LINGUAS": "zh_CN\n", "po/zh_CN.po": good_po,
                     "app/a.c": good_c}
            files.update(changes)
            for path, text in files.items():
                write(os.path.join(root, path), text)
            if name.startswith("git-"):
                if not shutil.which("git"):
                    print("ok: %s (skipped: git is not installed)" % name)
                    continue
                git = ["git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@t"]
                subprocess.run(git + ["init", "-q"], check=True)
                tracked = [p for p in files if name == "git-tracked" or p != "app/wip.c"]
                subprocess.run(git + ["add", "--"] + tracked, check=True)
            problems, skip = check(root)
            if skip:
                print("skipped: " + skip)
                return 77
            if expected is None:
                ok = not problems
            else:
                ok = any(expected in p for p in problems)
            print("%s: %s%s" % ("ok" if ok else "not ok", name, "" if ok else " -> %s" % problems))
            failed += not ok
    return 1 if failed else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems, skip = check(argv[0])
    for p in problems:
        print(p)
    if problems:
        return 1
    if skip:
        print("skipped: " + skip)
        return 77
    print("translations ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
