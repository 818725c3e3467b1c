#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a user-visible string is not translated into French.

Five checks, each naming what it finds:
  1. po/POTFILES.in is sorted, names only existing files, and names every file
     under src/, ui/ and data/ that marks a string for translation.
  2. No string literal reaches a text-showing call or a text property of a
     .ui file without being marked for translation.
  3. A template regenerated now with xgettext (the keywords of meson's glib
     preset) and merged into po/fr.po leaves nothing untranslated or fuzzy:
     a string added to the code but not to fr.po fails here.
  4. po/fr.po itself passes msgfmt --check with no fuzzy or untranslated entry.
  5. The source strings of that template are in American English, GNOME's
     convention (Color, Behavior, canceled): no British spelling from the
     list below.

Usage: check-i18n.py SOURCE_ROOT [--print-potfiles]
A deliberate exception is marked on its line with the comment `no-i18n`.
"""

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# The same keywords and flags as meson's i18n 'glib' preset (ngettext is a
# default keyword of xgettext for C).
XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--keyword=ngettext:1,2',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
]

MARK_RE = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(')
MARKED_ARG_RE = re.compile(r'^(?:N?C?_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext|gettext|dgettext)\s*\(')

# Calls that put their argument in front of a person: name -> argument index
# (0-based).  Error constructors count only in the TETHER_ERROR domain: their
# messages are shown as they are (see src/core/tether-error.h).
TEXT_CALLS = {
    'gtk_label_new': 0,
    'gtk_label_new_with_mnemonic': 0,
    'gtk_label_set_text': 1,
    'gtk_label_set_label': 1,
    'gtk_label_set_markup': 1,
    'gtk_label_set_text_with_mnemonic': 1,
    'gtk_label_set_markup_with_mnemonic': 1,
    'gtk_button_new_with_label': 0,
    'gtk_button_new_with_mnemonic': 0,
    'gtk_button_set_label': 1,
    'gtk_check_button_new_with_label': 0,
    'gtk_check_button_new_with_mnemonic': 0,
    'gtk_check_button_set_label': 1,
    'gtk_toggle_button_new_with_label': 0,
    'gtk_window_set_title': 1,
    'gtk_widget_set_tooltip_text': 1,
    'gtk_widget_set_tooltip_markup': 1,
    'gtk_entry_set_placeholder_text': 1,
    'gtk_text_set_placeholder_text': 1,
    'gtk_search_entry_set_placeholder_text': 1,
    'gtk_menu_button_set_label': 1,
    'gtk_menu_button_set_tooltip_text': 1,
    'gtk_string_list_append': 1,
    'g_menu_append': 1,
    'g_menu_item_new': 0,
    'g_notification_new': 0,
    'g_notification_set_body': 1,
    'g_notification_add_button': 1,
    'adw_toast_new': 0,
    'adw_toast_set_title': 1,
    'adw_toast_set_button_label': 1,
    'adw_message_dialog_new': 1,
    'adw_message_dialog_set_heading': 1,
    'adw_message_dialog_set_body': 1,
    'adw_message_dialog_format_heading': 1,
    'adw_message_dialog_format_body': 1,
    'adw_message_dialog_add_response': 2,
    'adw_message_dialog_set_response_label': 2,
    'adw_status_page_set_title': 1,
    'adw_status_page_set_description': 1,
    'adw_preferences_row_set_title': 1,
    'adw_preferences_group_set_title': 1,
    'adw_preferences_group_set_description': 1,
    'adw_preferences_page_set_title': 1,
    'adw_action_row_set_subtitle': 1,
    'adw_expander_row_set_subtitle': 1,
    'adw_window_title_set_title': 1,
    'adw_window_title_set_subtitle': 1,
    'adw_window_title_new': 0,
    'adw_tab_page_set_title': 1,
    'adw_tab_page_set_tooltip': 1,
    'g_application_set_option_context_summary': 1,
    'g_application_set_option_context_description': 1,
    'g_application_set_option_context_parameter_string': 1,
    'g_option_context_new': 0,
    'g_option_context_set_summary': 1,
    'g_option_context_set_description': 1,
    'g_application_command_line_print': 1,
    'g_application_command_line_printerr': 1,
    'g_notification_set_title': 1,
    'adw_about_window_set_comments': 1,
    'adw_about_window_set_copyright': 1,
    'adw_about_window_set_developer_name': 1,
}
ERROR_CALLS = {
    # name -> (index of the domain, index of the message)
    'g_set_error': (1, 3),
    'g_set_error_literal': (1, 3),
    'g_task_return_new_error': (1, 3),
    'g_error_new': (0, 2),
    'g_error_new_literal': (0, 2),
}
# A property or attribute of a .ui file whose value is shown to a person.
UI_TEXT_PROPERTIES = {
    'label', 'title', 'subtitle', 'tooltip-text', 'tooltip-markup', 'placeholder-text',
    'description', 'text', 'heading', 'body', 'secondary-text', 'accessible-name',
    'button-label', 'comments', 'copyright', 'website-label', 'message',
}
UI_TEXT_ELEMENTS = {'item', 'response'}


def fail(problems, title):
    if problems:
        print(f'not ok: {title}')
        for p in problems:
            print(f'  {p}')
        return 1
    print(f'ok: {title}')
    return 0


def read_potfiles(root):
    entries = []
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def project_files(root):
    """Every file of src/, ui/ and data/ that may hold user-visible text."""
    found = []
    for top in ('src', 'ui', 'data'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(('.c', '.h', '.ui', '.desktop.in', '.metainfo.xml.in',
                                  '.gschema.xml')):
                    found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def has_translatable_strings(path, text):
    if path.endswith(('.c', '.h')):
        return MARK_RE.search(strip_c_comments(text)) is not None
    if path.endswith('.ui'):
        return 'translatable="yes"' in text
    if path.endswith(('.desktop.in', '.metainfo.xml.in')):
        return True
    if path.endswith('.gschema.xml'):
        return '<summary>' in text or '<description>' in text
    return False


def strip_c_comments(text):
    """Blanks comments and keeps strings, lines and offsets intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i) or text.startswith('//', i):
            if text[i + 1] == '*':
                j = text.find('*/', i + 2)
                j = n if j < 0 else j + 2
            else:
                j = text.find('\n', i)
                j = n if j < 0 else j
            blank = re.sub(r'[^\n]', ' ', text[i:j])
            # Keeps the no-i18n marker visible to the check of its line.
            if 'no-i18n' in text[i:j]:
                blank = 'no-i18n' + blank[7:]
            out.append(blank)
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def split_args(text, start):
    """Splits the arguments of the call whose '(' is at start-1."""
    args, depth, i, cur = [], 0, start, start
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append(text[cur:i].strip())
                return args
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(text[cur:i].strip())
            cur = i + 1
        i += 1
    return args


def is_visible_literal(arg):
    """A bare string literal with words in it (not a format like "%s: %s")."""
    if not arg.startswith('"'):
        return False
    body = re.sub(r'%[-+ #0-9.]*[a-zA-Z]', '', arg)
    return re.search(r'[A-Za-z]{2,}', body) is not None


def scan_c(path, text):
    problems = []
    clean = strip_c_comments(text)
    lines = clean.split('\n')
    names = '|'.join(sorted(set(TEXT_CALLS) | set(ERROR_CALLS), key=len, reverse=True))
    for m in re.finditer(r'(?<![A-Za-z0-9_])(' + names + r')\s*\(', clean):
        name = m.group(1)
        args = split_args(clean, m.end())
        if name in ERROR_CALLS:
            domain_i, msg_i = ERROR_CALLS[name]
            if len(args) <= msg_i or args[domain_i] != 'TETHER_ERROR':
                continue
            arg = args[msg_i]
        else:
            idx = TEXT_CALLS[name]
            if len(args) <= idx:
                continue
            arg = args[idx]
        if MARKED_ARG_RE.match(arg) or not is_visible_literal(arg):
            continue
        lineno = clean.count('\n', 0, m.start()) + 1
        if 'no-i18n' in lines[lineno - 1]:
            continue
        problems.append(f'{path}:{lineno}: {name}: {" ".join(arg.split())[:70]} is not marked '
                        'for translation')
    return problems


def scan_ui(path, text):
    problems = []
    try:
        tree = ET.fromstring(text)
    except ET.ParseError as e:
        return [f'{path}: not well-formed XML: {e}']
    for el in tree.iter():
        if el.tag in ('property', 'attribute'):
            key = el.get('name')
            if key not in UI_TEXT_PROPERTIES:
                continue
        elif el.tag in UI_TEXT_ELEMENTS:
            key = el.tag
        else:
            continue
        value = (el.text or '').strip()
        if not re.search(r'[A-Za-z]{2,}', value) or el.get('translatable') in ('yes', 'no'):
            continue
        if el.get('bind-source') is not None:
            continue
        line = text[:text.find(value)].count('\n') + 1 if value in text else 0
        problems.append(f'{path}:{line}: <{el.tag} name="{key}">{value[:60]}</{el.tag}> lacks '
                        'translatable="yes" (or translatable="no" for a deliberate exception)')
    return problems


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def stats(output):
    counts = {'translated': 0, 'fuzzy': 0, 'untranslated': 0}
    for n, what in re.findall(r'(\d+) (translated|fuzzy|untranslated)', output):
        counts[what] = int(n)
    return counts


def make_pot(root, potfiles, tmp):
    """The template of the current sources in tmp, or an error message."""
    pot = os.path.join(tmp, 'tether.pot')
    listing = os.path.join(tmp, 'POTFILES')
    with open(listing, 'w', encoding='utf-8') as f:
        f.write('\n'.join(potfiles) + '\n')
    r = run(['xgettext', '--package-name=tether', f'--directory={root}',
             f'--files-from={listing}', f'--output={pot}'] + XGETTEXT_ARGS)
    if r.returncode != 0:
        return None, f'xgettext failed: {r.stderr.strip()}'
    return pot, None


# British spellings as whole-word stems (colour, colours, coloured…), with the
# American form GNOME writes.
BRITISH = {
    r'colour\w*': 'color', r'behaviour\w*': 'behavior', r'favourit\w*': 'favorite',
    r'honour\w*': 'honor', r'neighbour\w*': 'neighbor', r'labour\w*': 'labor',
    r'cancell(ed|ing)': 'canceled, canceling', r'labell(ed|ing)': 'labeled, labeling',
    r'travell(ed|ing|er)': 'traveled', r'modell(ed|ing)': 'modeled',
    r'signall(ed|ing)': 'signaled', r'licence\w*': 'license', r'centre\w*': 'center',
    r'metre\w*': 'meter', r'catalogue\w*': 'catalog', r'dialogue\w*': 'dialog',
    r'grey\w*': 'gray', r'defence': 'defense', r'offence': 'offense',
    r'analys(e|ed|ing)': 'analyze', r'(organi|recogni|initiali|authori|customi|reali|'
    r'summari|minimi|maximi|optimi|prioriti|synchroni|normali|seriali|utili|finali|memori|'
    r'speciali|categori|visuali|locali|capitali|apologi|critici|characteri)s(e|ed|es|ing|ation)':
    '-ize, -ization', r'whilst|amongst': 'while, among', r'judgement\w*': 'judgment',
    r'acknowledgement\w*': 'acknowledgment', r'ageing': 'aging', r'artefact\w*': 'artifact',
    r'focuss(ed|ing)': 'focused, focusing', r'enquir\w*': 'inquire', r'towards': 'toward',
}
BRITISH_RE = re.compile(r'\b(' + '|'.join(BRITISH) + r')\b', re.I)


def check_american(root, potfiles):
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pot, error = make_pot(root, potfiles, tmp)
        if error:
            return [error]
        with open(pot, encoding='utf-8') as f:
            text = f.read()
    entry = re.compile(r'^((?:#[^\n]*\n)*)(?:msgctxt[^\n]*\n)?msgid ((?:"[^\n]*"\n)+)'
                       r'(?:msgid_plural ((?:"[^\n]*"\n)+))?', re.M)
    for m in entry.finditer(text):
        msgid = ''.join(re.findall(r'"(.*)"', m.group(2) + (m.group(3) or '')))
        for word in BRITISH_RE.finditer(msgid):
            where = ' '.join(re.findall(r'^#: (.*)$', m.group(1), re.M)).split()
            american = next(v for k, v in BRITISH.items() if re.fullmatch(k, word.group(0), re.I))
            problems.append(f'{where[0] if where else "?"}: "{word.group(0)}" is British '
                            f'(American: {american}) in "{msgid[:70]}"')
    return problems


def check_catalog(root, potfiles):
    problems = []
    fr_po = os.path.join(root, 'po', 'fr.po')
    if not os.path.exists(fr_po):
        return ['po/fr.po does not exist']
    with tempfile.TemporaryDirectory() as tmp:
        pot, error = make_pot(root, potfiles, tmp)
        if error:
            return [error]
        merged = os.path.join(tmp, 'fr.po')
        r = run(['msgmerge', '--quiet', '--no-fuzzy-matching', f'--output-file={merged}',
                 fr_po, pot])
        if r.returncode != 0:
            return [f'msgmerge failed: {r.stderr.strip()}']
        r = run(['msgfmt', '--check', '--statistics', '--output-file=/dev/null', merged])
        counts = stats(r.stderr)
        if r.returncode != 0:
            problems.append(f'msgfmt --check on the merged catalog failed: {r.stderr.strip()}')
        if counts['translated'] == 0:
            problems.append(f'the merged catalog has no translated message: {r.stderr.strip()}')
        if counts['untranslated'] or counts['fuzzy']:
            problems.append(f'against the current sources fr.po has {counts["untranslated"]} '
                            f'untranslated and {counts["fuzzy"]} fuzzy messages; run '
                            '`ninja tether-update-po` and translate:')
            for flag in ('--untranslated', '--only-fuzzy'):
                r = run(['msgattrib', flag, '--no-obsolete', '--no-wrap', merged])
                for msgid in re.findall(r'^msgid "(.+)"$', r.stdout, re.M):
                    problems.append(f'  {flag[2:]}: "{msgid}"')
        else:
            print(f'# fr.po against the current sources: {counts["translated"]} translated')
    r = run(['msgfmt', '--check', '--statistics', '--output-file=/dev/null', fr_po])
    counts = stats(r.stderr)
    if r.returncode != 0:
        problems.append(f'msgfmt --check po/fr.po failed: {r.stderr.strip()}')
    if counts['untranslated'] or counts['fuzzy']:
        problems.append(f'po/fr.po itself: {r.stderr.strip()}')
    return problems


def main():
    root = os.path.abspath(sys.argv[1])
    files = project_files(root)
    marked = []
    for path in files:
        with open(os.path.join(root, path), encoding='utf-8') as f:
            if has_translatable_strings(path, f.read()):
                marked.append(path)
    if '--print-potfiles' in sys.argv:
        print('\n'.join(sorted(marked)))
        return 0

    potfiles = read_potfiles(root)
    problems = []
    if potfiles != sorted(potfiles):
        problems.append('po/POTFILES.in is not sorted')
    for path in potfiles:
        if not os.path.isfile(os.path.join(root, path)):
            problems.append(f'po/POTFILES.in names {path}, which does not exist')
    for path in marked:
        if path not in potfiles:
            problems.append(f'{path} has translatable strings but is not in po/POTFILES.in')
    failures = fail(problems, 'po/POTFILES.in lists every file with translatable strings')

    problems = []
    for path in files:
        with open(os.path.join(root, path), encoding='utf-8') as f:
            text = f.read()
        if path.endswith(('.c', '.h')):
            problems += scan_c(path, text)
        elif path.endswith('.ui'):
            problems += scan_ui(path, text)
    failures += fail(problems, 'every user-visible string in src/ and ui/ is marked')

    existing = [p for p in potfiles if os.path.isfile(os.path.join(root, p))]
    failures += fail(check_catalog(root, existing),
                     'po/fr.po translates every message, none fuzzy')
    failures += fail(check_american(root, existing),
                     'the source strings are in American English')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
