#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest, which cannot be built here (no runtime can be
downloaded): it parses as JSON, names the app id and the command, pins the
runtime, has every module with pinned sources, and asks for no permission
that the README's packaging section does not justify."""

import json
import os
import re
import sys

APP_ID = 'io.github.tetherapp.Tether'
MODULES = ['libssh', 'vte', 'tether']
FINISH_ARGS = {
    '--share=network',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--socket=ssh-auth',
    '--talk-name=org.freedesktop.secrets',
    '--filesystem=~/.ssh',
}

failures = 0


def check(what, ok, detail=''):
    global failures
    print(('ok - ' if ok else 'not ok - ') + what)
    if not ok:
        failures += 1
        if detail:
            print(f'#   {detail}')


with open(sys.argv[1], encoding='utf-8') as f:
    manifest = json.load(f)
print('ok - the manifest parses as JSON')

check('it names the app id', manifest.get('id', manifest.get('app-id')) == APP_ID)
check('it runs the command tether', manifest.get('command') == 'tether')
check('it uses the GNOME runtime and SDK',
      manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk')
check('the runtime version is pinned',
      re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))) is not None,
      f'runtime-version is {manifest.get("runtime-version")!r}')

modules = manifest.get('modules', [])
names = [m.get('name') for m in modules if isinstance(m, dict)]
check('it has the modules ' + ', '.join(MODULES) + ', the app last',
      names == MODULES, f'modules are {names}')

for module in modules:
    for source in module.get('sources', []):
        if source.get('type') != 'archive':
            continue
        url = source.get('url', '')
        check(f'{module["name"]}: its tarball is pinned by version and sha256',
              url.startswith('https://') and re.search(r'\d+\.\d+\.\d+', url) is not None
              and re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')) is not None,
              f'url {url!r}, sha256 {source.get("sha256")!r}')

vte = next((m for m in modules if m.get('name') == 'vte'), {})
check('VTE is built for GTK 4 only', {'-Dgtk3=false', '-Dgtk4=true'} <= set(vte.get('config-opts', [])))

app = modules[-1] if modules else {}
check('the app is built with meson from this tree',
      app.get('buildsystem') == 'meson'
      and any(s.get('type') in ('dir', 'git') for s in app.get('sources', [])))

args = set(manifest.get('finish-args', []))
check('finish-args are exactly the justified ones', args == FINISH_ARGS,
      f'extra {sorted(args - FINISH_ARGS)}, missing {sorted(FINISH_ARGS - args)}')

# The Secret Service name is there only because Tether talks to it.
secrets_c = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), '..', 'src', 'core',
                         'tether-secrets.c')
uses_secrets = (os.path.exists(secrets_c)
                and 'secret_password_store' in open(secrets_c, encoding='utf-8').read())
check('the Secret Service is asked for only because the code uses it',
      ('--talk-name=org.freedesktop.secrets' in args) == uses_secrets)

sys.exit(1 if failures else 0)
