"""Server configurations for static hosts: resource IRIs answered with 303 See Other by Accept.

A resource IRI (https://w3id.org/jp-plan-kg/id/…) reaches the host through w3id's redirect to --base-iri; the host
then sends the client to the page (.html) or the data (.ttl, .jsonld, .nt) with "Vary: Accept". RDF media types
are checked before HTML: browsers never ask for Turtle, RDF clients that also accept HTML at a lower weight
get RDF. (Static rules cannot weigh q-values; this order gives each kind of client what it wants.)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..namespaces import BASE_IRI, ID

# Request paths (below the site's base path) that are resource IRIs, not files: no dots, so never a file name.
RESOURCE_PATTERN = r"(?:id|vocab)/[A-Za-z0-9_~/-]+|ontology|shapes"
# Accept → suffix, in the order they are tried (first match wins).
NEGOTIATION = (("text/turtle", "ttl"), ("application/ld+json", "jsonld"), ("application/n-triples", "nt"))
MEDIA_TYPES = (("html", "text/html"), ("css", "text/css"), ("svg", "image/svg+xml"), ("ttl", "text/turtle"),
               ("jsonld", "application/ld+json"), ("nt", "application/n-triples"), ("trig", "application/trig"),
               ("gz", "application/gzip"))
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_~/-]*$")


def base_path(base: str) -> str:
    """The path of the site on its host, "/" or "/kg/"; only plain characters (it goes into server rules)."""
    path = urlsplit(base).path or "/"
    if not path.endswith("/"):
        path += "/"
    if not _SAFE_PATH.match(path) or "//" in path:
        raise ValueError(f"the path of --base-iri ({path}) may only hold letters, digits, '-', '_', '~' and '/'")
    return path


def nginx_config(base: str) -> str:
    prefix = base_path(base)
    host = urlsplit(base).hostname or "example.org"
    checks = "\n".join(f'        if ($http_accept ~* "{re.escape(media)}") {{ set $jpkg_suffix {suffix}; }}'
                       for media, suffix in reversed(NEGOTIATION))  # nginx: the last matching `if` wins
    types = " ".join(f"{media} {suffix};" for suffix, media in MEDIA_TYPES)
    root_directive = "root /srv/jp-plan-kg;" if prefix == "/" else "alias /srv/jp-plan-kg/;"
    well_known = ("    location = /.well-known/void { root /srv/jp-plan-kg; default_type text/turtle; }" if prefix == "/" else
                  "    location = /.well-known/void { alias /srv/jp-plan-kg/.well-known/void; default_type text/turtle; }")
    return f"""# nginx: the JP Plan KG site published by `kg publish --base-iri {base}`.
# Put these lines inside the server {{ }} block of {host}, and copy the published folder to /srv/jp-plan-kg
# (or change that path below). Resource IRIs ({ID}...) arrive here through w3id's
# redirect and are answered with 303 See Other to the page or the data, as the Accept header asks.

    location ~ "^{prefix}(?<jpkg_resource>{RESOURCE_PATTERN})$" {{
        set $jpkg_suffix html;
{checks}
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin * always;
        return 303 {prefix}$jpkg_resource.$jpkg_suffix;
    }}

    location = {prefix}dataset {{
        set $jpkg_dataset data.html;
        if ($http_accept ~* "text/turtle") {{ set $jpkg_dataset void.ttl; }}
        add_header Vary Accept always;
        return 303 {prefix}$jpkg_dataset;
    }}

{well_known}

    location ~ /\\.ht {{ deny all; }}

    location {prefix} {{
        {root_directive}
        index index.html;
        error_page 404 {prefix}404.html;
        types {{ {types} }}
        default_type text/turtle;  # the one file without a suffix is .well-known/void
        charset utf-8;
        charset_types text/turtle application/n-triples application/ld+json application/trig image/svg+xml text/css;
        add_header Access-Control-Allow-Origin *;
    }}
"""


def apache_htaccess(base: str) -> str:
    prefix = base_path(base)
    rules = []
    for media, suffix in NEGOTIATION:
        rules.append(f"RewriteCond %{{HTTP_ACCEPT}} {re.escape(media)} [NC]\n"
                     f"RewriteRule ^({RESOURCE_PATTERN})$ $1.{suffix} [R=303,L,E=jpkg_vary:1]")
    rules.append(f"RewriteRule ^({RESOURCE_PATTERN})$ $1.html [R=303,L,E=jpkg_vary:1]")
    types = "\n".join(f"AddType {media} .{suffix}" for suffix, media in MEDIA_TYPES if suffix != "gz")
    well_known = "" if prefix == "/" else (
        f"\n# The site is not at the host's root: in the root's .htaccess (or server config), add\n"
        f"#   Redirect 303 /.well-known/void {prefix}void.ttl\n")
    return f"""# Apache: .htaccess for the JP Plan KG site published by `kg publish --base-iri {base}`.
# Needs mod_rewrite (and mod_headers for Vary and CORS) and AllowOverride FileInfo for this folder.
# Resource IRIs ({ID}...) arrive here through w3id's redirect and are answered with
# 303 See Other to the page or the data, as the Accept header asks.
{types}
AddCharset utf-8 .html .css .svg .ttl .jsonld .nt .trig
DirectoryIndex index.html
ErrorDocument 404 {prefix}404.html
Options -MultiViews

<Files "void">
    ForceType text/turtle
</Files>
{well_known}
RewriteEngine On
RewriteBase {prefix}
{chr(10).join(rules)}

RewriteCond %{{HTTP_ACCEPT}} text/turtle [NC]
RewriteRule ^dataset$ void.ttl [R=303,L,E=jpkg_vary:1]
RewriteRule ^dataset$ data.html [R=303,L,E=jpkg_vary:1]

<IfModule mod_headers.c>
    Header always merge Vary Accept env=jpkg_vary
    Header set Access-Control-Allow-Origin "*"
</IfModule>
"""


def w3id_htaccess(base: str) -> str | None:
    """The rule for w3id.org's repository (jp-plan-kg/.htaccess) that sends our IRIs to the host; None if the
    site is hosted at w3id itself."""
    if base.rstrip("/") == BASE_IRI.rstrip("/"):
        return None
    return f"""# w3id.org/jp-plan-kg/.htaccess (https://github.com/perma-id/w3id.org): send every IRI of the graph to its host.
RewriteEngine on
RewriteRule ^(.*)$ {base}$1 [R=303,L]
"""
