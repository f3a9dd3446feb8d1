"""The web page for clinicians: find a leaflet, choose language, print size, sections and paper, preview, print.

A Starlette application, run by uvicorn (`leafletpress serve`). Every page is
a plain GET form, so it works without JavaScript and its address is a link
that can be shared or bookmarked: /leaflets/ID/pdf?lang=es&print=large is
the PDF itself. What a request asks for is read into a BuildRequest, checked
as the command line checks it, and planned by build.plan_language into the
Options of one PDF; nothing a request says is used as a file name.

PDFs and their page previews are rendered by a RenderPool of worker processes
and kept in a PdfCache under the digest of their inputs; a second request for
the same PDF is read from the cache. A note typed for one patient is printed
into that PDF only: it is never written to disk, never logged (the access log
has no query strings), and such a PDF is sent from memory with no-store.
"""

import asyncio
import base64
import hashlib
import logging
import os
import time
import unicodedata
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import __version__
from .build import plan_language, read_all, render_pdf, resolve_language
from .cache import inputs_digest
from .errors import LeafletError, OutputError, unknown
from .i18n import direction, language_name
from .model import Clinic, Leaflet
from .pdfcache import PdfCache
from .preview import page_images
from .project import TEMPLATES, Project
from .read import read_clinic
from .renderpool import Busy, RenderPool, TimedOut, WorkerLost
from .request import NOTE_LIMIT, BuildRequest, Options

LOG = logging.getLogger("leafletpress.serve")

#: The form's paper choices: the paper printed on, and whether the pages are imposed as a folded booklet.
PAPERS = {"a4": ("a4", False), "letter": ("letter", False), "a5": ("a5", False), "a5-booklet": ("a4", True)}
PAPER_LABELS = {"a4": "A4", "letter": "Letter", "a5": "A5", "a5-booklet": "A5 booklet (printed on A4, to fold)"}
PRINT_SIZES = {"standard": "Standard print", "large": "Large print (all text at least 16 pt)"}
PREVIEW_WIDTH = 360  # pixels per page
MAX_VALUE = 100  # characters in any field but the note
MAX_QUERY = 16 * 1024  # bytes of a query string: a note of 1,000 characters in any script, percent-encoded
RETRY_AFTER = 5  # seconds, when the queue is full

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                                 b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
#: A PDF is shown by the browser's own viewer, a page it makes up around the PDF with inline styles; a policy
#: on its fetches would leave it blank (Chromium bug 271452). The PDF runs no script of ours either way.
PDF_POLICY = b"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Settings:
    """How the server runs: the project, the clinic's file, the cache and the workers."""

    project: Project
    clinic: Path | None = None
    cache_dir: Path | None = None
    cache_size: int = 1024 * 1024 * 1024  # bytes
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    queue: int | None = None  # render jobs accepted at once; two per worker when not given
    timeout: float = 60.0  # seconds a render may take


class BadRequest(Exception):
    """A request the page can't answer: its status and what is wrong, naming what is valid."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Choice:
    """What the form asks for: one PDF of one leaflet."""

    lang: str
    print_size: str = "standard"
    sections: tuple[str, ...] = ()
    paper: str = "a4"
    notes: bool = False
    note: str = ""

    def query(self) -> str:
        """The query string that asks for exactly this PDF: the shareable link."""
        pairs = [("lang", self.lang), ("print", self.print_size), *(("section", s) for s in self.sections),
                 ("paper", self.paper)]
        pairs += [("notes", "1")] * self.notes + [("note", self.note)] * bool(self.note)
        return urlencode(pairs)


def read_choice(leaflet: Leaflet, params) -> Choice:
    """The form's fields, each checked against what is valid; BadRequest (400) naming the valid values."""
    lang = one(params, "lang") or leaflet.source_language
    try:
        lang = resolve_language(leaflet, lang)
    except LeafletError:
        raise BadRequest(400, unknown("language", lang, leaflet.languages)) from None
    print_size = pick(params, "print", PRINT_SIZES, "print size")
    paper = pick(params, "paper", PAPERS, "paper")
    sections = tuple(params.getlist("section"))
    known = leaflet.translations[lang].section_ids
    for section in sections:
        if section not in known:
            raise BadRequest(400, unknown("section", section[:MAX_VALUE], known))
    notes = one(params, "notes")
    if notes not in ("", "1"):
        raise BadRequest(400, unknown("notes value", notes, ["1"]))
    note = (one(params, "note", NOTE_LIMIT * 2) or "").replace("\r\n", "\n")  # a textarea sends CR LF
    return Choice(lang, print_size, tuple(s for s in known if s in sections), paper, notes == "1", note)


def one(params, name: str, limit: int = MAX_VALUE) -> str:
    """A field given at most once, of at most limit characters; '' when not given."""
    values = params.getlist(name)
    if len(values) > 1:
        raise BadRequest(400, f"{name!r} is given {len(values)} times; give it once")
    if values and len(values[0]) > limit:
        raise BadRequest(400, f"{name!r} is {len(values[0])} characters long; at most {limit}")
    return values[0] if values else ""


def pick(params, name: str, valid: dict, kind: str) -> str:
    value = one(params, name) or next(iter(valid))
    if value not in valid:
        raise BadRequest(400, unknown(kind, value, valid))
    return value


def plan_options(leaflet: Leaflet, choice: Choice, clinic: Clinic | None, project: Project) -> Options:
    """The Options of the one PDF the choice stands for, planned as the command line plans it."""
    paper, booklet = PAPERS[choice.paper]
    try:
        request = BuildRequest(leaflets=(leaflet.id,), lang=(choice.lang,), large_print=choice.print_size == "large",
                               section=choice.sections, paper=paper, notes=choice.notes, note=choice.note,
                               booklet=booklet)
        jobs = plan_language(request, leaflet, choice.lang, clinic, project, project.build, [])
    except LeafletError as error:  # the note: too long, or a control character
        raise BadRequest(400, str(error).replace("the note", "The note", 1)) from None
    return jobs[0].options  # standard print comes first


def searchable(text: str) -> str:
    """Text as the search compares it: any case, accents left out (distonia finds distonía)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Server:
    """The leaflets, read once at start, and what makes their PDFs: the pool and the cache."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.project = settings.project
        self.leaflets, self.clinic, self.sources = self.load()
        folder = settings.cache_dir or self.project.root / ".cache" / "serve"
        try:
            self.cache = PdfCache(folder, settings.cache_size)
        except OSError as error:
            raise OutputError(f"{folder}: cannot keep the PDF cache here: {error.strerror}") from None
        self.pool = RenderPool(settings.workers, settings.queue or 2 * settings.workers, settings.timeout)
        self.making: dict[str, asyncio.Future] = {}
        self.templates = environment()

    def load(self) -> tuple[dict[str, Leaflet], Clinic | None, dict[tuple[str, str], str]]:
        """The leaflets and the clinic, and the digest of the files each language was read from.

        The files are read, digested and read again, until both readings agree:
        a PDF's cache key then stands for the very model that printed it, even
        if a file is edited while the server starts (or later: it reads them once).
        """
        for _ in range(5):
            leaflets, problems = read_all(self.project)
            clinic = read_clinic(self.settings.clinic, self.project.assets) if self.settings.clinic else None
            sources = {(leaflet.id, lang): inputs_digest(leaflet, Options(lang, clinic=clinic))
                       for leaflet in leaflets for lang in leaflet.languages}
            again = read_all(self.project)[0]
            if again == leaflets and (not clinic or read_clinic(clinic.path, self.project.assets) == clinic):
                break
        else:
            raise LeafletError("the leaflets kept changing while the server read them; start it again")
        for problem in problems:
            LOG.warning("left out: %s", problem)
        return {leaflet.id: leaflet for leaflet in leaflets}, clinic, sources

    # --- Pages ----------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        query = one(request.query_params, "q")
        wanted = searchable(query.strip())
        entries = [entry(leaflet) for leaflet in self.leaflets.values()
                   if not wanted or any(wanted in searchable(t.title) for t in leaflet.translations.values())]
        return self.page("serve/index.html", query=query, entries=entries, total=len(self.leaflets))

    async def leaflet_page(self, request: Request) -> Response:
        leaflet, choice, options = self.read(request)
        translation = leaflet.translations[choice.lang]
        previews = await self.previews(leaflet, choice, options) if "preview" in request.query_params else None
        sections = [s for s in translation.sections if s.id not in leaflet.urgent_sections]
        urgent = [s.heading for s in translation.sections if s.id in leaflet.urgent_sections]
        languages = [{"code": lang, "name": language_name(lang), "dir": direction(lang)}
                     for lang in leaflet.languages]
        return self.page("serve/leaflet.html", leaflet=leaflet, translation=translation, choice=choice,
                         dir=direction(choice.lang), languages=languages, sections=sections, urgent=urgent,
                         print_sizes=PRINT_SIZES, papers=PAPER_LABELS, note_limit=NOTE_LIMIT, previews=previews,
                         filename=options.filename(leaflet.id), pdf_link=f"/leaflets/{leaflet.id}/pdf?{choice.query()}")

    async def pdf(self, request: Request) -> Response:
        leaflet, choice, options = self.read(request)
        data, state = await self.pdf_bytes(leaflet, options)
        disposition = "attachment" if one(request.query_params, "download") else "inline"
        return Response(data, media_type="application/pdf", headers={
            "content-disposition": f'{disposition}; filename="{options.filename(leaflet.id)}"',
            "cache-control": "no-store" if options.note else "private, max-age=600", "x-cache": state})

    async def page_image(self, request: Request) -> Response:
        leaflet, choice, options = self.read(request)
        number = request.path_params["number"]
        if number < 1:
            raise BadRequest(404, f"this PDF has no page {number}")
        image, state = None, "none" if options.note else "hit"
        if not options.note:
            image = await asyncio.to_thread(self.cache.read, self.digest(leaflet, options), f"p{number}.png")
        if image is None:  # not made yet, removed from the cache since, or never kept (a note)
            images = await self.page_images(leaflet, options)
            image, state = (images[number - 1] if 0 < number <= len(images) else None), state.replace("hit", "miss")
        if image is None:
            raise BadRequest(404, f"this PDF has no page {number}")
        return Response(image, media_type="image/png", headers={
            "cache-control": "no-store" if options.note else "private, max-age=600", "x-cache": state})

    async def health(self, request: Request) -> Response:
        pool = self.pool
        return JSONResponse({"in_flight": pool.in_flight, "queue": pool.queue, "workers": pool.pids(),
                             "replaced": pool.replaced, "version": __version__})

    def read(self, request: Request) -> tuple[Leaflet, Choice, Options]:
        """The leaflet the address names and the one PDF its query asks for."""
        if len(request.url.query.encode()) > MAX_QUERY:
            raise BadRequest(400, f"the address is longer than {MAX_QUERY} bytes; the note holds at most "
                                  f"{NOTE_LIMIT} characters")
        name = request.path_params["leaflet"]
        leaflet = self.leaflets.get(name)
        if leaflet is None:
            raise BadRequest(404, unknown("leaflet", name[:MAX_VALUE], sorted(self.leaflets)))
        choice = read_choice(leaflet, request.query_params)
        return leaflet, choice, plan_options(leaflet, choice, self.clinic, self.project)

    def page(self, template: str, status: int = 200, **values) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            clinic=self.clinic, version=__version__, **values)
        return HTMLResponse(html, status_code=status)

    # --- PDFs and previews ----------------------------------------------------------------------

    def digest(self, leaflet: Leaflet, options: Options) -> str:
        """The PDF's cache key: the digest of its sources as read at start (cache.inputs_digest, which
        holds the generator's shared_digest), and every option of this one PDF."""
        key = hashlib.sha256(self.sources[leaflet.id, options.lang].encode() + b"\0" + repr(options).encode())
        return key.hexdigest()

    async def pdf_bytes(self, leaflet: Leaflet, options: Options) -> tuple[bytes, str]:
        """The PDF, and whether it came from the cache (hit), was made now (miss) or is never kept (none)."""
        if options.note:
            return await self.pool.run(render_pdf, leaflet, options, self.project), "none"
        digest = self.digest(leaflet, options)
        cached = await asyncio.to_thread(self.cache.read, digest, "pdf")
        if cached is not None:
            return cached, "hit"
        return await self.once(digest + ".pdf", lambda: self.make_pdf(leaflet, options, digest)), "miss"

    async def make_pdf(self, leaflet: Leaflet, options: Options, digest: str) -> bytes:
        pdf = await self.pool.run(render_pdf, leaflet, options, self.project)
        await asyncio.to_thread(self.keep, digest, {"pdf": pdf})
        return pdf

    async def page_count(self, leaflet: Leaflet, options: Options) -> int:
        """How many pages the PDF has, its pages' previews in the cache (made now if need be)."""
        count = await asyncio.to_thread(self.cache.read, self.digest(leaflet, options), "pages")
        if count is not None and count.isdigit():
            return int(count)
        return len(await self.page_images(leaflet, options))

    async def page_images(self, leaflet: Leaflet, options: Options) -> list[bytes]:
        """Every page of the PDF as a PNG, made in a worker; kept in the cache unless the PDF has a note."""
        if options.note:
            pdf = (await self.pdf_bytes(leaflet, options))[0]
            return await self.pool.run(page_images, pdf, PREVIEW_WIDTH)
        digest = self.digest(leaflet, options)

        async def make() -> list[bytes]:
            pdf = (await self.pdf_bytes(leaflet, options))[0]
            images = await self.pool.run(page_images, pdf, PREVIEW_WIDTH)
            files = {f"p{number}.png": image for number, image in enumerate(images, 1)}
            await asyncio.to_thread(self.keep, digest, {**files, "pages": str(len(images)).encode()})
            return images
        return await self.once(digest + ".pages", make)

    async def previews(self, leaflet: Leaflet, choice: Choice, options: Options) -> list[str]:
        """The address of each page's preview; with a note, the images themselves (never kept)."""
        if options.note:
            images = await self.page_images(leaflet, options)
            return ["data:image/png;base64," + base64.b64encode(image).decode() for image in images]
        count = await self.page_count(leaflet, options)
        return [f"/leaflets/{leaflet.id}/pages/{number}.png?{choice.query()}" for number in range(1, count + 1)]

    def keep(self, digest: str, files: dict[str, bytes]) -> None:
        """Write files to the cache (the last one last: it vouches for the others); a full disk is no error."""
        try:
            for suffix, data in files.items():
                self.cache.write(digest, suffix, data)
            self.cache.evict()
        except (OutputError, OSError) as error:
            LOG.warning("PDF cache: %s", error)

    async def once(self, key: str, make: Callable[[], Awaitable]):
        """make(), shared by every request that asks for the same thing while it is being made."""
        if key not in self.making:
            self.making[key] = asyncio.ensure_future(make())
            self.making[key].add_done_callback(lambda _: self.making.pop(key, None))
        return await asyncio.shield(self.making[key])


def entry(leaflet: Leaflet) -> dict:
    """A leaflet on the index: its title, and each language named in its own script."""
    source = leaflet.translations[leaflet.source_language]
    return {"id": leaflet.id, "title": source.title, "lang": source.lang, "dir": direction(source.lang),
            "languages": [{"code": lang, "name": language_name(lang), "dir": direction(lang),
                           "title": leaflet.translations[lang].title} for lang in leaflet.languages]}


def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def stylesheet() -> bytes:
    """The site's stylesheet (fonts, colours from the style tokens) and the form's own rules."""
    from .formats.site import stylesheet as site_stylesheet

    css = site_stylesheet().replace('url("fonts/', 'url("/static/fonts/')
    return (css + (TEMPLATES / "serve" / "serve.css").read_text(encoding="utf-8")).encode()


def fonts() -> dict[str, Path]:
    from .formats.site import WEB_FONTS

    return {face.path.name: face.path for face in WEB_FONTS}


# --- The application ----------------------------------------------------------------------------

def create_app(settings: Settings):
    """The ASGI application: routes, error pages, and the security headers and access log around it all."""
    server = Server(settings)
    css, font_files = stylesheet(), fonts()

    async def static_css(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    async def static_font(request: Request) -> Response:
        path = font_files.get(request.path_params["name"])
        if path is None:
            raise HTTPException(404)
        return Response(await asyncio.to_thread(path.read_bytes), media_type="font/ttf",
                         headers={"cache-control": "public, max-age=86400"})

    async def error_page(request: Request, error: Exception) -> Response:
        status, message, headers = describe_error(error)
        response = server.page("serve/error.html", status=status, status_code=status, message=message)
        response.headers.update(headers)
        return response

    @asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(server.pool.start)
        LOG.info("%d leaflets, %d render workers, PDF cache in %s", len(server.leaflets), server.pool.workers,
                 server.cache.folder)
        yield
        server.pool.close()

    routes = [
        Route("/", server.index),
        Route("/leaflets/{leaflet}", server.leaflet_page),
        Route("/leaflets/{leaflet}/pdf", server.pdf),
        Route("/leaflets/{leaflet}/pages/{number:int}.png", server.page_image),
        Route("/static/serve.css", static_css),
        Route("/static/fonts/{name}", static_font),
        Route("/healthz", server.health),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={Exception: error_page,
                                                                           HTTPException: error_page,
                                                                           BadRequest: error_page,
                                                                           Busy: error_page, TimedOut: error_page,
                                                                           WorkerLost: error_page,
                                                                           LeafletError: error_page})
    app.state.server = server
    return Guard(app)


def describe_error(error: Exception) -> tuple[int, str, dict]:
    """The status, the message shown and any header for an error; a bug shows no detail at all."""
    if isinstance(error, BadRequest):
        return error.status, error.message, {}
    if isinstance(error, HTTPException):
        return error.status_code, {404: "There is no page at this address.",
                                   405: "This address is only read (GET)."}.get(error.status_code, "Not possible."), {}
    if isinstance(error, Busy):
        return 503, (f"Many PDFs are being made just now. Please try again in {RETRY_AFTER} seconds."), \
            {"retry-after": str(RETRY_AFTER)}
    if isinstance(error, TimedOut):
        return 504, "This PDF took too long to make. Please try again, or choose fewer sections.", {}
    if isinstance(error, WorkerLost):
        return 500, "The PDF could not be made this time. Please try again.", {}
    if isinstance(error, LeafletError) and str(error).startswith("--note"):
        return 400, "The note" + str(error).removeprefix("--note"), {}
    LOG.error("while answering a request: %s: %s", type(error).__name__, str(error)[:300])
    return 500, "Something went wrong on the server; it has been logged. Please try again later.", {}


class Guard:
    """Around the whole application: the security headers on every response, and an access log
    that names the path but never the query (it may hold a patient's note)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), [0]
        names = {name for name, _ in SECURITY_HEADERS}

        async def send_guarded(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                added = SECURITY_HEADERS
                if (b"content-type", b"application/pdf") in headers:
                    added = [(b"content-security-policy", PDF_POLICY), *SECURITY_HEADERS[1:]]
                message = {**message, "headers": headers + added}
            await send(message)
        try:
            await self.app(scope, receive, send_guarded)
        finally:
            LOG.info("%s %s %d %.0f ms", scope["method"], scope["path"][:200], status[0],
                     (time.perf_counter() - started) * 1000)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 8000, forwarded_allow_ips: str | None = None) -> None:
    """Serve until interrupted (uvicorn; its own access log is off: it would log the note)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, access_log=False, server_header=False, log_level="info",
                proxy_headers=bool(forwarded_allow_ips), forwarded_allow_ips=forwarded_allow_ips,
                timeout_graceful_shutdown=5)
