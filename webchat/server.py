"""The web chat's page server: the chat page, the widget's files and its words.

It only hands out files. The conversation goes from the browser straight to Rasa's
socketio channel, so no patient text passes through here, and none is logged.

    python -m webchat.server --host 127.0.0.1 --port 8000 \
        --rasa-url http://127.0.0.1:5005 --origins "http://127.0.0.1:8000"
"""
import argparse
import html
import json
import os
from pathlib import Path
from string import Template
from typing import Dict, Iterable, List, Mapping, Tuple
from urllib.parse import urlsplit

import yaml
from aiohttp import web

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGE_TEMPLATE_PATH = Path(__file__).resolve().parent / "static" / "index.html"
WORDS_PATH = PROJECT_ROOT / "content" / "web_widget.yml"
BUILD_DIR = PROJECT_ROOT / "build" / "web"
# What `make web` puts in build/web; nothing else there is served.
WIDGET_FILES = {"chat-widget.js": "text/javascript", "chat-widget.css": "text/css"}
CONFIG_NAME = "config.json"


class Settings:
    def __init__(self, rasa_url: str, origins: Iterable[str], build_dir: Path = BUILD_DIR):
        self.rasa_url = rasa_url.rstrip("/")
        self.origins = [origin.rstrip("/") for origin in origins]
        self.build_dir = build_dir


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def websocket_origin(url: str) -> str:
    origin = origin_of(url)
    return "wss" + origin[len("https"):] if origin.startswith("https") else "ws" + origin[len("http"):]


def security_headers(rasa_url: str) -> Dict[str, str]:
    """Only this server's own files run on the page; it talks only to itself and Rasa."""
    policy = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        f"connect-src 'self' {origin_of(rasa_url)} {websocket_origin(rasa_url)}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
    return {
        "Content-Security-Policy": "; ".join(policy),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def load_words(path: Path = WORDS_PATH) -> Dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def render_page(words: Mapping) -> bytes:
    fields = {key: html.escape(str(words[key])) for key in ("page_title", "needs_javascript")}
    return Template(PAGE_TEMPLATE_PATH.read_text(encoding="utf-8")).substitute(fields).encode("utf-8")


def read_widget_files(build_dir: Path) -> Dict[str, Tuple[bytes, str]]:
    missing = [name for name in WIDGET_FILES if not (build_dir / name).is_file()]
    if missing:
        raise SystemExit(f"{build_dir} lacks {', '.join(missing)}: run `make web` first")
    return {name: ((build_dir / name).read_bytes(), kind) for name, kind in WIDGET_FILES.items()}


def make_app(settings: Settings) -> web.Application:
    # Everything is read once at start: a request can only find a file or a 404.
    words = load_words()
    page = render_page(words)
    files = read_widget_files(settings.build_dir)
    files[CONFIG_NAME] = (json.dumps({"socketUrl": settings.rasa_url, "words": words}).encode("utf-8"), "application/json")
    headers = security_headers(settings.rasa_url)

    async def chat_page(request: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    async def widget_file(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in files:
            raise web.HTTPNotFound()
        body, kind = files[name]
        response = web.Response(body=body, content_type=kind, charset="utf-8")
        origin = request.headers.get("Origin")
        # An embedding site's page reads the words and Rasa's address from here.
        if name == CONFIG_NAME and origin in settings.origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    async def no_icon(request: web.Request) -> web.Response:
        # Browsers ask for one unprompted; an empty answer keeps their consoles quiet.
        return web.Response(status=204)

    async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)

    app = web.Application()
    app.router.add_get("/", chat_page)
    app.router.add_get("/widget/{name}", widget_file)
    app.router.add_get("/favicon.ico", no_icon)
    app.on_response_prepare.append(add_security_headers)
    return app


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8000")))
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("WEB_RASA_URL", "http://127.0.0.1:5005"),
        help="Rasa's address as the browser reaches it",
    )
    parser.add_argument(
        "--origins",
        default=os.environ.get("WEB_ORIGINS", ""),
        help="space-separated origins of the sites allowed to embed the chat",
    )
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> None:
    args = parse_args(argv)
    app = make_app(Settings(args.rasa_url, args.origins.split()))
    print(f"Web chat: http://{args.host}:{args.port}/", flush=True)
    # No access log: it would add nothing but noise, and never holds patient text anyway.
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
