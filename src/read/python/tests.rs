//! Tests for the Python facts reader: one group per kind of fact, the package scan, and a
//! property test that no input makes the reader panic.

use super::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn facts(source: &str) -> FileFacts {
    read_facts(source, None).expect("parses")
}

fn str_value(text: &str) -> Value {
    Value::Str(text.to_string())
}

fn callees(calls: &[Call]) -> Vec<&str> {
    calls.iter().filter_map(|c| c.callee.as_deref()).collect()
}

#[test]
fn imports_bind_aliases_and_keep_relative_dots() {
    let f = facts(
        "import uvicorn as u\n\
         import os.path\n\
         from flask import Flask as F, jsonify\n\
         from . import views\n\
         from .main import app\n\
         from ..core import settings as s\n\
         from waitress import *\n\
         import a.b as ab\n",
    );
    let pairs: Vec<(u32, &str, &str)> = f
        .imports
        .iter()
        .map(|i| (i.line, i.local.as_str(), i.target.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            (1, "u", "uvicorn"),
            (2, "os", "os"),
            (3, "F", "flask.Flask"),
            (3, "jsonify", "flask.jsonify"),
            (4, "views", ".views"),
            (5, "app", ".main.app"),
            (6, "s", "..core.settings"),
            (7, "*", "waitress.*"),
            (8, "ab", "a.b"),
        ]
    );
}

#[test]
fn calls_resolve_through_imports() {
    let f = facts(
        "import uvicorn as u\nfrom waitress import serve\nimport os.path\nimport a.b as ab\n\
         if __name__ == '__main__':\n    u.run(app)\n    serve(app)\n    os.path.join('a')\n\
         \x20   ab.c()\n    app.run()\n    x[0]()\n",
    );
    let names: Vec<Option<&str>> = f.main_calls.iter().map(|c| c.callee.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("uvicorn.run"),
            Some("waitress.serve"),
            Some("os.path.join"),
            Some("a.b.c"),
            Some("app.run"),
            None
        ]
    );
}

#[test]
fn relative_imports_anchor_to_the_importing_module() {
    let import = |target: &str| Import {
        line: 1,
        local: String::new(),
        target: target.to_string(),
    };
    assert_eq!(
        import(".main.app").absolute("pkg.wsgi", false),
        Some("pkg.main.app".into())
    );
    assert_eq!(
        import(".main.app").absolute("pkg", true),
        Some("pkg.main.app".into())
    );
    assert_eq!(
        import("..core.x").absolute("pkg.sub.mod", false),
        Some("pkg.core.x".into())
    );
    assert_eq!(import(".views").absolute("mod", false), None);
    assert_eq!(
        import("flask.Flask").absolute("any", false),
        Some("flask.Flask".into())
    );
    assert_eq!(import("...x").level(), 3);
}

#[test]
fn module_level_assignments_of_calls() {
    let f = facts(
        "from fastapi import FastAPI\n\
         import flask\n\
         from litestar import Litestar\n\
         from starlette.applications import Starlette\n\
         from django.core.wsgi import get_wsgi_application\n\
         from django.core.asgi import get_asgi_application as asgi\n\
         app = FastAPI(title='svc', debug=True)\n\
         web: flask.Flask = flask.Flask(__name__)\n\
         a = b = Litestar(route_handlers=[health])\n\
         try:\n    star = Starlette()\nexcept ImportError:\n    star = None\n\
         application = get_wsgi_application()\n\
         asgi_app = asgi()\n\
         PORT = 8000\n\
         def make():\n    inner = FastAPI()\n\
         class C:\n    attr = FastAPI()\n",
    );
    let got: Vec<(u32, &str, Option<&str>)> = f
        .assignments
        .iter()
        .map(|a| (a.line, a.target.as_str(), a.call.callee.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (7, "app", Some("fastapi.FastAPI")),
            (8, "web", Some("flask.Flask")),
            (9, "a", Some("litestar.Litestar")),
            (9, "b", Some("litestar.Litestar")),
            (11, "star", Some("starlette.applications.Starlette")),
            (
                14,
                "application",
                Some("django.core.wsgi.get_wsgi_application")
            ),
            (
                15,
                "asgi_app",
                Some("django.core.asgi.get_asgi_application")
            ),
        ]
    );
    let app = &f.assignments[0].call;
    assert_eq!(app.kwarg("title"), Some(&str_value("svc")));
    assert_eq!(app.kwarg("debug"), Some(&Value::Bool(true)));
    assert_eq!(f.assignments[1].call.args, [Value::Name("__name__".into())]);
}

#[test]
fn functions_with_decorators_and_body_calls() {
    let f = facts(
        "from fastapi import FastAPI\nimport litestar\nimport subprocess\n\
         app = FastAPI()\n\
         @app.get('/healthz')\n\
         async def healthz():\n    return {'ok': True}\n\
         @app.route('/items', methods=['GET', 'POST'])\n\
         @login_required\n\
         def items():\n\
         \x20   if x:\n        with lock():\n            try:\n                subprocess.run(['a'])\n\
         \x20           except E:\n                log.warning('w')\n\
         \x20   for i in range(3):\n        work(i)\n\
         \x20   def nested():\n        hidden()\n\
         \x20   return nested\n\
         @litestar.get('/health')\n\
         def lh() -> str: ...\n\
         class Api:\n    @staticmethod\n    def ping(self):\n        pong()\n\
         def create_app():\n    web = Flask(__name__)\n\
         \x20   @web.route('/up')\n    def up():\n        return 'ok'\n    return web\n",
    );
    let names: Vec<(&str, &str, Option<&str>, bool)> = f
        .functions
        .iter()
        .map(|fun| {
            (
                fun.name.as_str(),
                fun.qualname.as_str(),
                fun.class.as_deref(),
                fun.is_async,
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("healthz", "healthz", None, true),
            ("items", "items", None, false),
            ("nested", "items.nested", None, false),
            ("lh", "lh", None, false),
            ("ping", "Api.ping", Some("Api"), false),
            ("create_app", "create_app", None, false),
            ("up", "create_app.up", None, false),
        ]
    );
    let healthz = &f.functions[0].decorators[0];
    assert_eq!(
        (
            healthz.line,
            healthz.callee.as_deref(),
            healthz.first_str.as_deref()
        ),
        (5, Some("app.get"), Some("/healthz"))
    );
    let items = &f.functions[1];
    assert_eq!(items.line, 10);
    assert_eq!(items.decorators[0].methods, ["GET", "POST"]);
    assert_eq!(
        items.decorators[1].callee.as_deref(),
        Some("login_required")
    );
    assert_eq!(items.decorators[1].first_str, None);
    assert_eq!(
        callees(&items.calls),
        ["lock", "subprocess.run", "log.warning", "range", "work"]
    );
    assert_eq!(callees(&f.functions[2].calls), ["hidden"]);
    assert_eq!(
        f.functions[3].decorators[0].callee.as_deref(),
        Some("litestar.get")
    );
    assert_eq!(
        f.functions[4].decorators[0].callee.as_deref(),
        Some("staticmethod")
    );
    // The nested route's decorator runs inside `create_app`, so its call is listed there.
    assert_eq!(callees(&f.functions[5].calls), ["Flask", "web.route"]);
    assert_eq!(
        f.functions[6].decorators[0].first_str.as_deref(),
        Some("/up")
    );
}

#[test]
fn calls_under_the_main_guard_only() {
    let f = facts(
        "import os, uvicorn\n\
         setup()\n\
         if __name__ == \"__main__\":\n\
         \x20   uvicorn.run('app.main:app', host='0.0.0.0', port=int(os.environ.get('PORT', '8080')))\n\
         else:\n    other()\n\
         if '__main__' == __name__:\n    again()\n\
         if __name__ != '__main__':\n    nope()\n",
    );
    assert_eq!(
        callees(&f.main_calls),
        ["again"],
        "the last guard's calls replace earlier ones"
    );
    let f = facts(
        "import os, uvicorn\nif __name__ == \"__main__\":\n\
         \x20   uvicorn.run('app.main:app', host='0.0.0.0', port=int(os.environ.get('PORT', '8080')))\n",
    );
    assert_eq!(
        callees(&f.main_calls),
        ["uvicorn.run", "int", "os.environ.get"]
    );
    let run = &f.main_calls[0];
    assert_eq!(run.line, 3);
    assert_eq!(run.args, [str_value("app.main:app")]);
    assert_eq!(run.kwarg("host"), Some(&str_value("0.0.0.0")));
    let Some(Value::Call(port)) = run.kwarg("port") else {
        panic!("port is a call: {run:?}");
    };
    assert_eq!(port.callee.as_deref(), Some("int"));
    let inner = port.args[0].as_call().expect("nested call");
    assert_eq!(inner.callee.as_deref(), Some("os.environ.get"));
    assert_eq!(inner.args, [str_value("PORT"), str_value("8080")]);
}

#[test]
fn argument_values() {
    let f = facts(
        "import os\nfrom settings import conf\nif __name__ == '__main__':\n    f(\
         'a\\tb\\x41\\u00e9\\q', r'^ping$', 'x' \"y\", f'{x}', b'raw', 0x1F, 1_000, 99999999999999999999, \
         name, conf.PORT, os.environ['PORT'], ['GET', 'POST'], ('a',), [1], 1 + 2, -1, *rest, \
         os.getenv('PORT', 8080), **extra, key='v', on=False, off=None)\n",
    );
    let call = &f.main_calls[0];
    assert_eq!(
        call.args[..16],
        [
            str_value("a\tbA\u{e9}\\q"),
            str_value("^ping$"),
            str_value("xy"),
            Value::Template(vec![TemplatePart::Field(Value::Name("x".into()))]),
            Value::Other,
            Value::Int(31),
            Value::Int(1000),
            Value::Other,
            Value::Name("name".into()),
            Value::Attribute("settings.conf.PORT".into()),
            Value::Subscript {
                value: "os.environ".into(),
                index: Box::new(str_value("PORT"))
            },
            Value::StrList(vec!["GET".into(), "POST".into()]),
            Value::StrList(vec!["a".into()]),
            Value::Other,
            Value::Add(Box::new(Value::Int(1)), Box::new(Value::Int(2))),
            Value::Other,
        ]
    );
    assert_eq!(call.args[16], Value::Other, "*rest");
    let getenv = call.args[17].as_call().expect("getenv");
    assert_eq!(getenv.args, [str_value("PORT"), Value::Int(8080)]);
    assert_eq!(call.args.len(), 18, "**extra is left out");
    assert_eq!(
        call.kwargs.iter().map(|k| &k.value).collect::<Vec<_>>(),
        [&str_value("v"), &Value::Bool(false), &Value::NoneLiteral]
    );
}

#[test]
fn django_urlpatterns() {
    let f = facts(
        "from django.urls import path, re_path, include\nfrom . import views\n\
         urlpatterns = [\n    path('healthz/', views.health),\n    re_path(r'^ping$', views.ping),\n\
         \x20   path('api/', include('api.urls')),\n    # a comment\n]\n\
         urlpatterns += [path('extra/', views.extra)]\n\
         urlpatterns = urlpatterns + [path('more/', views.more)] + static('/media/')\n\
         def f():\n    urlpatterns = [path('no/', x)]\n",
    );
    let got: Vec<(u32, Option<&str>, Option<&str>)> = f
        .url_patterns
        .iter()
        .map(|p| (p.line, p.function.as_deref(), p.route.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (4, Some("django.urls.path"), Some("healthz/")),
            (5, Some("django.urls.re_path"), Some("^ping$")),
            (6, Some("django.urls.path"), Some("api/")),
            (9, Some("django.urls.path"), Some("extra/")),
            (10, Some("django.urls.path"), Some("more/")),
        ]
    );
}

#[test]
fn django_urlpatterns_keep_the_view_and_includes() {
    let f = facts(
        "from django.urls import path, include\nfrom django.contrib import admin\n\
         urlpatterns = [\n    path('', include('pages.urls')),\n    path('admin/', admin.site.urls),\n\
         \x20   path('api/', include(('api.urls', 'api'), namespace='api')),\n\
         \x20   path(route='x/', view=views.x),\n]\n",
    );
    let views: Vec<Option<&Value>> = f.url_patterns.iter().map(|p| p.view.as_ref()).collect();
    let include = |argument: Value| {
        Value::Call(Box::new(Call {
            line: 0,
            callee: Some("django.urls.include".into()),
            args: vec![argument],
            kwargs: Vec::new(),
        }))
    };
    let strip = |value: Option<&Value>| match value {
        Some(Value::Call(call)) => Some(include(call.args[0].clone())),
        other => other.cloned(),
    };
    let got: Vec<Option<Value>> = views.into_iter().map(strip).collect();
    assert_eq!(
        got,
        [
            Some(include(str_value("pages.urls"))),
            Some(Value::Attribute("django.contrib.admin.site.urls".into())),
            Some(include(Value::StrList(vec![
                "api.urls".into(),
                "api".into()
            ]))),
            Some(Value::Attribute("views.x".into())),
        ]
    );
}

#[test]
fn upper_case_module_constants_and_lists_split_from_the_environment() {
    let f = facts(
        "import os\nfrom os import environ\nfrom pathlib import Path\n\
         BASE_DIR = Path(__file__).resolve().parent.parent\n\
         ROOT_URLCONF = 'site.urls'\n\
         DEBUG = False\n\
         ALLOWED_HOSTS = ['example.com', '.example.org']\n\
         if os.environ.get('PROD'):\n    ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost,127.0.0.1').split(',')\n\
         CSRF_TRUSTED = [h.strip() for h in environ.get('CSRF', '').split(',') if h]\n\
         HOSTS = os.environ['HOSTS'].split()\n\
         OTHER = os.getenv('OTHER', '').split(SEP)\n\
         STATIC_ROOT = BASE_DIR / 'staticfiles'\n\
         lower = 'not a setting'\n\
         def f():\n    INSIDE = 1\n",
    );
    let got: Vec<(u32, &str, &Value)> = f
        .constants
        .iter()
        .map(|c| (c.line, c.name.as_str(), &c.value))
        .collect();
    assert_eq!(got.len(), 9, "{got:?}");
    assert_eq!(got[1], (5, "ROOT_URLCONF", &str_value("site.urls")));
    assert_eq!(got[2], (6, "DEBUG", &Value::Bool(false)));
    assert_eq!(
        got[3],
        (
            7,
            "ALLOWED_HOSTS",
            &Value::StrList(vec!["example.com".into(), ".example.org".into()])
        )
    );
    assert_eq!((got[8].1, got[8].2), ("STATIC_ROOT", &Value::Other));
    let lists: Vec<(&str, Option<&EnvList>)> = f
        .constants
        .iter()
        .map(|c| (c.name.as_str(), c.env_list.as_ref()))
        .collect();
    let list = |variable: &str, default: Option<&str>, required, separator: Option<&str>| EnvList {
        variable: variable.into(),
        default: default.map(str::to_string),
        required,
        separator: separator.map(str::to_string),
    };
    assert_eq!(lists[3], ("ALLOWED_HOSTS", None));
    assert_eq!(
        lists[4],
        (
            "ALLOWED_HOSTS",
            Some(&list(
                "DJANGO_ALLOWED_HOSTS",
                Some("localhost,127.0.0.1"),
                false,
                Some(",")
            ))
        )
    );
    assert_eq!(
        lists[5],
        (
            "CSRF_TRUSTED",
            Some(&list("CSRF", Some(""), false, Some(",")))
        )
    );
    assert_eq!(lists[6], ("HOSTS", Some(&list("HOSTS", None, true, None))));
    // A separator that is not a literal: not read.
    assert_eq!(lists[7], ("OTHER", None));
}

#[test]
fn starlette_and_litestar_route_lists() {
    let f = facts(
        "from starlette.applications import Starlette\nfrom starlette.routing import Route, Mount\n\
         routes = [Route('/health', health), Mount('/api', routes=[Route('/x', x)])]\n\
         app = Starlette(routes=[Route(path='/ping', endpoint=ping)], debug=True)\n",
    );
    let got: Vec<(u32, RouteOwner, Option<&str>, Option<&str>)> = f
        .routes
        .iter()
        .map(|r| {
            (
                r.line,
                r.owner.clone(),
                r.callee.as_deref(),
                r.path.as_deref(),
            )
        })
        .collect();
    let mount = RouteOwner::Call(Some("starlette.routing.Mount".into()));
    let star = RouteOwner::Call(Some("starlette.applications.Starlette".into()));
    let var = RouteOwner::Variable("routes".into());
    let mut got = got;
    got.sort_by_key(|(line, owner, ..)| (*line, format!("{owner:?}")));
    assert_eq!(
        got,
        [
            (3, mount, Some("starlette.routing.Route"), Some("/x")),
            (
                3,
                var.clone(),
                Some("starlette.routing.Route"),
                Some("/health")
            ),
            (3, var, Some("starlette.routing.Mount"), Some("/api")),
            (4, star, Some("starlette.routing.Route"), Some("/ping")),
        ]
    );
}

#[test]
fn environment_reads() {
    let f = facts(
        "import os\nfrom os import environ, getenv\n\
         a = os.environ.get('A', 'x')\n\
         b = os.getenv('B', 8080)\n\
         c = os.environ['C']\n\
         os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n\
         def f():\n    return environ.get(key='E'), getenv(name)\n\
         os.environ['SET'] = '1'\n\
         del os.environ['GONE']\n\
         other.get('NOT')\n",
    );
    let got: Vec<(u32, EnvReadKind, Option<&str>, Option<&Value>)> = f
        .env_reads
        .iter()
        .map(|r| (r.line, r.kind, r.name.as_deref(), r.default.as_ref()))
        .collect();
    assert_eq!(
        got,
        [
            (3, EnvReadKind::EnvironGet, Some("A"), Some(&str_value("x"))),
            (4, EnvReadKind::Getenv, Some("B"), Some(&Value::Int(8080))),
            (5, EnvReadKind::EnvironSubscript, Some("C"), None),
            (
                6,
                EnvReadKind::EnvironSetdefault,
                Some("DJANGO_SETTINGS_MODULE"),
                Some(&str_value("site.settings"))
            ),
            (8, EnvReadKind::EnvironGet, Some("E"), None),
            (8, EnvReadKind::Getenv, None, None),
            (
                9,
                EnvReadKind::EnvironAssign,
                Some("SET"),
                Some(&str_value("1"))
            ),
        ]
    );
}

#[test]
fn django_environ_and_decouple_reads() {
    let f = facts(
        "import environ\nfrom decouple import config, Csv\nfrom dj_database_url import parse as db_url\n\
         env = environ.Env(DEBUG=(bool, False), PORT=int)\n\
         SECRET_KEY = env('SECRET_KEY')\n\
         NAME = env.str('NAME', 'x')\n\
         DATABASES = {'default': env.db()}\n\
         CACHES = {'default': env.cache_url('REDIS_URL', default='locmemcache://')}\n\
         DEBUG = env('DEBUG')\n\
         PORT = env('PORT')\n\
         TLS = env.bool('TLS')\n\
         HOSTS = env.list('HOSTS', str, ['a'])\n\
         env.read_env('.env')\n\
         KEY = config('DJANGO_KEY')\n\
         CSV = config('CSV', cast=Csv())\n\
         VERBOSE = config('VERBOSE', default=False, cast=bool)\n\
         DB = config('DB', cast=db_url)\n\
         other('NOT')\n\
         def f():\n    return notenv.str('NOT')\n",
    );
    type Read<'a> = (
        u32,
        EnvReadKind,
        Option<&'a str>,
        Option<&'a Value>,
        Option<&'a str>,
    );
    let got: Vec<Read> = f
        .env_reads
        .iter()
        .map(|r| {
            (
                r.line,
                r.kind,
                r.name.as_deref(),
                r.default.as_ref(),
                r.cast.as_deref(),
            )
        })
        .collect();
    let environ = EnvReadKind::EnvironEnv;
    let decouple = EnvReadKind::DecoupleConfig;
    let x = str_value("x");
    let cache = str_value("locmemcache://");
    let no = Value::Bool(false);
    let hosts = Value::StrList(vec!["a".into()]);
    assert_eq!(
        got,
        [
            (5, environ, Some("SECRET_KEY"), None, None),
            (6, environ, Some("NAME"), Some(&x), Some("str")),
            (7, environ, Some("DATABASE_URL"), None, Some("db")),
            (
                8,
                environ,
                Some("REDIS_URL"),
                Some(&cache),
                Some("cache_url")
            ),
            // The scheme given to `Env()` casts, and its second item is a default.
            (9, environ, Some("DEBUG"), Some(&no), Some("bool")),
            (10, environ, Some("PORT"), None, Some("int")),
            (11, environ, Some("TLS"), None, Some("bool")),
            (12, environ, Some("HOSTS"), Some(&hosts), Some("list")),
            (14, decouple, Some("DJANGO_KEY"), None, None),
            (15, decouple, Some("CSV"), None, Some("decouple.Csv()")),
            (16, decouple, Some("VERBOSE"), Some(&no), Some("bool")),
            (
                17,
                decouple,
                Some("DB"),
                None,
                Some("dj_database_url.parse")
            ),
        ]
    );
}

#[test]
fn filesystem_writes_with_literal_paths() {
    let f = facts(
        "import os, logging, pathlib\nfrom pathlib import Path\n\
         from logging.handlers import RotatingFileHandler\n\
         os.makedirs('logs', exist_ok=True)\n\
         Path('output').mkdir(parents=True, exist_ok=True)\n\
         pathlib.Path('data', 'cache').mkdir()\n\
         logging.FileHandler('logs/app.log')\n\
         RotatingFileHandler(filename='logs/r.log')\n\
         open('out.txt', 'w')\n\
         open('in.txt')\n\
         open('in.txt', 'rb')\n\
         open(file='app.log', mode='a')\n\
         Path('state.json').write_text('{}')\n\
         Path(base).mkdir()\n\
         os.makedirs(name)\n\
         LOGGING = {'handlers': {'f': {'class': 'logging.FileHandler', 'filename': '/var/log/x.log'}}}\n\
         logging.basicConfig(filename='debug.log')\n",
    );
    let got: Vec<(u32, FsWriteKind, &str)> = f
        .fs_writes
        .iter()
        .map(|w| (w.line, w.kind.clone(), w.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (4, FsWriteKind::Makedirs, "logs"),
            (5, FsWriteKind::PathMkdir, "output"),
            (6, FsWriteKind::PathMkdir, "data/cache"),
            (7, FsWriteKind::LogFile, "logs/app.log"),
            (8, FsWriteKind::LogFile, "logs/r.log"),
            (9, FsWriteKind::Open("w".into()), "out.txt"),
            (12, FsWriteKind::Open("a".into()), "app.log"),
            (13, FsWriteKind::PathWrite, "state.json"),
            (16, FsWriteKind::LogFile, "/var/log/x.log"),
            (17, FsWriteKind::LogFile, "debug.log"),
        ]
    );
}

#[test]
fn a_module_bound_by_import_is_no_path_receiver() {
    // `os.mkdir` is the module's function, not `.mkdir()` of a path named `os`.
    let f = facts(
        "import os\nimport os as o\nimport shutil, os.path\nfrom config import LOG_DIR\n\
         os.mkdir('temp')\n\
         o.mkdir('other')\n\
         LOG_DIR.mkdir()\n",
    );
    let got: Vec<(u32, FsWriteKind, &str, bool)> = f
        .fs_writes
        .iter()
        .map(|w| {
            (
                w.line,
                w.kind.clone(),
                w.path.as_str(),
                w.from_file.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (5, FsWriteKind::Makedirs, "temp", false),
            (6, FsWriteKind::Makedirs, "other", false),
            (7, FsWriteKind::PathMkdir, "", true),
        ]
    );
}

#[test]
fn async_writers_as_the_sync_ones() {
    let f = facts(
        "import aiofiles, aiofiles.os, anyio, trio\n\
         async def f():\n\
         \x20   await aiofiles.os.mkdir('temp')\n\
         \x20   await aiofiles.os.makedirs(CACHE_DIR)\n\
         \x20   async with aiofiles.open('out.txt', 'w') as out: pass\n\
         \x20   async with aiofiles.open('in.txt') as source: pass\n\
         \x20   await anyio.Path('data', 'db').mkdir(parents=True)\n\
         \x20   await anyio.open_file('state.json', mode='a')\n\
         \x20   await trio.Path('t.txt').write_text('x')\n",
    );
    let got: Vec<(u32, FsWriteKind, &str)> = f
        .fs_writes
        .iter()
        .map(|w| (w.line, w.kind.clone(), w.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, FsWriteKind::Makedirs, "temp"),
            (4, FsWriteKind::Makedirs, ""),
            (5, FsWriteKind::Open("w".into()), "out.txt"),
            (7, FsWriteKind::PathMkdir, "data/db"),
            (8, FsWriteKind::Open("a".into()), "state.json"),
            (9, FsWriteKind::PathWrite, "t.txt"),
        ]
    );
    assert_eq!(f.fs_writes[1].constant.as_deref(), Some("CACHE_DIR"));
}

#[test]
fn sqlite_urls_in_string_literals() {
    let f = facts(
        "DATABASE_URL = 'sqlite:///./db.sqlite3'\n\
         ASYNC = \"sqlite+aiosqlite:///data/app.db\"\n\
         PG = 'postgresql://u@h/db'\n\
         NAME = 'sqlite3'\n\
         DYNAMIC = f'sqlite:///{path}'\n",
    );
    let got: Vec<(u32, &str)> = f
        .sqlite_urls
        .iter()
        .map(|u| (u.line, u.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "sqlite:///./db.sqlite3"),
            (2, "sqlite+aiosqlite:///data/app.db")
        ]
    );
}

#[test]
fn recent_syntax_parses_cleanly_and_keeps_later_facts() {
    let source = "from fastapi import FastAPI\n\
         type Alias[T] = list[T]\n\
         def first[T](items: list[T]) -> T:\n    return items[0]\n\
         class Box[T]:\n    pass\n\
         def handle(command):\n    match command:\n        case {'go': str(x)}:\n            go(x)\n\
         \x20       case [a, *_] if a:\n            stop()\n        case _:\n            pass\n\
         greeting = f\"{user[\"name\"]!r:>{width}} {f'{nested}'}\"\n\
         async def main():\n    async with client() as c:\n        await c.get(f'{base}/x')\n\
         \x20   except_group = 1\n\
         try:\n    pass\nexcept* ValueError:\n    pass\n\
         app = FastAPI()\n";
    let f = facts(source);
    assert_eq!(f.syntax_errors, Vec::<u32>::new());
    assert_eq!(f.assignments.len(), 1);
    assert_eq!(f.assignments[0].line, 24);
    let handle = f
        .functions
        .iter()
        .find(|x| x.name == "handle")
        .expect("handle");
    assert_eq!(callees(&handle.calls), ["go", "stop"]);
}

#[test]
fn broken_source_reports_lines_and_keeps_the_rest() {
    let f = facts(
        "from fastapi import FastAPI\n\
         app = FastAPI()\n\
         def broken(:\n    pass\n\
         x = (1,\n\
         \n\
         def fine():\n    ok()\n",
    );
    assert!(!f.syntax_errors.is_empty(), "{f:?}");
    assert!(f.syntax_errors.iter().all(|line| (3..=8).contains(line)));
    assert_eq!(f.assignments[0].target, "app");
}

#[test]
fn a_passed_deadline_stops_the_parser() {
    let source = "x = f(1, 2, 3)\n".repeat(20_000);
    let past = Instant::now() - Duration::from_secs(1);
    assert_eq!(read_facts(&source, Some(past)), Err(ParseFailure::TimedOut));
    assert!(read_facts(&source, Some(Instant::now() + Duration::from_secs(60))).is_ok());
}

/// A small xorshift generator: the property test needs variety, not quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn example_sources() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let scan = scan_package(&root, &ScanLimits::default());
    let mut sources: Vec<String> = scan
        .files
        .iter()
        .filter_map(|file| std::fs::read_to_string(root.join(&file.path)).ok())
        .collect();
    sources.push(SAMPLE.to_string());
    sources
}

/// Realistic Python with the constructs whose lexing is delicate when cut short: escapes,
/// raw and f-strings, triple quotes, continuations, decorators, `match`.
const SAMPLE: &str = r#"""Service entry point."""
import os, logging
from pathlib import Path
from starlette.applications import Starlette
from starlette.routing import Route

PORT = int(os.environ.get("PORT", "8080"))
PATTERN = r"^ping\d+$"
BANNER = "tab\there \x41 \u00e9 quote\" done"
MULTI = """line one
line \"two\"
"""
DB = 'sqlite:///./db.sqlite3'
logging.FileHandler("logs/app.log")
Path("output").mkdir(parents=True, exist_ok=True)
total = 1 + \
    2

@app.route("/items", methods=["GET", "POST"])
async def items(request):
    name = f"{request.path_params['name']!r:>{10}}"
    match request.method:
        case "GET" | "HEAD":
            return respond(name)
        case _:
            raise ValueError(f'bad {request.method}')

routes = [Route("/health", items)]
app = Starlette(routes=routes)

if __name__ == "__main__":
    import uvicorn
    uvicorn.run(app, host="0.0.0.0", port=PORT)
"#;

#[test]
fn no_input_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let sources = example_sources();
    assert!(sources.len() > 5, "the examples hold Python files");
    let alphabet: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "\n",
        "    ",
        "\t",
        "'",
        "\"",
        "\"\"\"",
        "f'",
        "r'",
        "\\",
        "#",
        "@",
        "=",
        ",",
        ".",
        "*",
        "**",
        "def ",
        "class ",
        "if ",
        "import ",
        "from ",
        "lambda",
        "os.environ",
        "[\"PORT\"]",
        "match ",
        "case ",
        "async ",
        "await ",
        "x",
        "1",
        "é",
        "\u{feff}",
        "\0",
        "\r",
    ];
    for round in 0..500 {
        let text = match round % 5 {
            // Random bytes, made text the way a reader of undecodable files would.
            0 => {
                let bytes: Vec<u8> = (0..rng.below(2000)).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            // Random Python-ish tokens.
            1 => (0..rng.below(600))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect(),
            // A real file cut at a random character.
            2 => {
                let source = &sources[rng.below(sources.len())];
                source.chars().take(rng.below(source.len() + 1)).collect()
            }
            // A real file cut just after a character where the lexer is mid-token.
            3 => {
                let source = &sources[rng.below(sources.len())];
                let cuts: Vec<usize> = source
                    .char_indices()
                    .filter(|(_, c)| "\\'\"([{:\n".contains(*c))
                    .map(|(at, c)| at + c.len_utf8())
                    .collect();
                let cut = cuts.get(rng.below(cuts.len())).copied().unwrap_or(0);
                source[..cut].to_string()
            }
            // A real file with a random span spliced into another place.
            _ => {
                let source: Vec<char> = sources[rng.below(sources.len())].chars().collect();
                let (a, b) = (rng.below(source.len()), rng.below(source.len()));
                let (from, to) = (a.min(b), a.max(b));
                let at = rng.below(source.len());
                let mut mixed = source.clone();
                mixed.splice(at..at, source[from..to].iter().copied());
                mixed.into_iter().collect()
            }
        };
        let _ = read_facts(&text, Some(Instant::now() + Duration::from_secs(5)));
    }
}

#[test]
fn deep_nesting_does_not_exhaust_the_stack() {
    let mut deep_defs = String::new();
    for level in 0..300 {
        deep_defs.push_str(&"    ".repeat(level));
        deep_defs.push_str(&format!("def f{level}():\n"));
    }
    deep_defs.push_str(&"    ".repeat(300));
    deep_defs.push_str("call()\n");
    let cases = [
        format!("x = {}", "(".repeat(50_000)),
        format!("x = {}1{}", "[".repeat(20_000), "]".repeat(20_000)),
        format!("x = {}()", "a.".repeat(50_000)),
        format!("x = {}{}", "f(".repeat(20_000), ")".repeat(20_000)),
        format!("x = {}", "-".repeat(50_000)),
        deep_defs,
    ];
    for case in &cases {
        let _ = read_facts(case, Some(Instant::now() + Duration::from_secs(20)));
    }
}

// ----- package scan -------------------------------------------------------------------------

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("uv-rootless-python-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, contents).expect("write");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn module_paths_from_file_paths() {
    let parts = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        module_path(&parts("pkg/sub/mod.py")),
        Some("pkg.sub.mod".into())
    );
    assert_eq!(module_path(&parts("pkg/__init__.py")), Some("pkg".into()));
    assert_eq!(module_path(&parts("main.py")), Some("main".into()));
    assert_eq!(module_path(&parts("__init__.py")), None);
    assert_eq!(module_path(&parts("my-scripts/run.py")), None);
    assert_eq!(module_path(&parts("pkg/2fast.py")), None);
}

#[test]
fn scan_reads_packages_and_skips_the_rest() {
    let dir = Scratch::new("scan");
    dir.write("app/__init__.py", "");
    dir.write(
        "app/main.py",
        "from fastapi import FastAPI\napp = FastAPI()\n",
    );
    dir.write("app/api/routes.py", "from .. import main\n");
    dir.write(
        "manage.py",
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 's')\n",
    );
    dir.write("broken.py", "def (:\n");
    dir.write("latin1.py", b"x = '\xe9'\n");
    dir.write("big.py", "x = 1\n".repeat(300));
    dir.write("bom.py", "\u{feff}import os\n");
    dir.write("notes.txt", "not python");
    for skipped in [
        "tests/test_x.py",
        "venv/lib/x.py",
        "node_modules/x.py",
        ".git/x.py",
        ".hidden/x.py",
        "app/__pycache__/x.py",
        "app/migrations/0001.py",
        "build/x.py",
        "dist/x.py",
        "lib/site-packages/x.py",
        "myenv/x.py",
    ] {
        dir.write(skipped, "x = 1\n");
    }
    dir.write("myenv/pyvenv.cfg", "home = /usr\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir.0, dir.0.join("app/loop")).expect("symlink");

    let limits = ScanLimits {
        max_file_bytes: 1000,
        ..ScanLimits::default()
    };
    let scan = scan_package(&dir.0, &limits);
    assert_eq!(scan.cut, None);
    let listed: Vec<(&str, Option<&str>, bool)> = scan
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.module.as_deref(), f.is_package))
        .collect();
    assert_eq!(
        listed,
        [
            ("big.py", Some("big"), false),
            ("bom.py", Some("bom"), false),
            ("broken.py", Some("broken"), false),
            ("latin1.py", Some("latin1"), false),
            ("manage.py", Some("manage"), false),
            ("app/__init__.py", Some("app"), true),
            ("app/main.py", Some("app.main"), false),
            ("app/api/routes.py", Some("app.api.routes"), false),
        ]
    );
    let outcome = |path: &str| {
        &scan
            .files
            .iter()
            .find(|f| f.path == path)
            .expect(path)
            .outcome
    };
    assert_eq!(outcome("big.py"), &FileOutcome::TooLarge { bytes: 1800 });
    assert_eq!(outcome("latin1.py"), &FileOutcome::NotUtf8);
    let FileOutcome::Parsed(broken) = outcome("broken.py") else {
        panic!("a broken file is still parsed");
    };
    assert_eq!(broken.syntax_errors, [1]);
    // The grammar reads a byte-order mark as whitespace, so it needs no stripping.
    let FileOutcome::Parsed(bom) = outcome("bom.py") else {
        panic!("bom.py parses");
    };
    assert_eq!(bom.imports.len(), 1);
    assert_eq!(bom.syntax_errors, Vec::<u32>::new());
    let FileOutcome::Parsed(main) = outcome("app/main.py") else {
        panic!("main parses");
    };
    assert_eq!(
        main.assignments[0].call.callee.as_deref(),
        Some("fastapi.FastAPI")
    );
}

#[test]
fn scan_stops_at_file_and_byte_limits() {
    let dir = Scratch::new("limits");
    for name in ["a", "b", "c", "d"] {
        dir.write(&format!("{name}.py"), "x = 1\n");
    }
    let few_files = ScanLimits {
        max_files: 3,
        ..ScanLimits::default()
    };
    let scan = scan_package(&dir.0, &few_files);
    assert_eq!(scan.cut, Some(ScanCut::Files(3)));
    assert_eq!(scan.files.len(), 3);

    let few_bytes = ScanLimits {
        max_total_bytes: 13,
        ..ScanLimits::default()
    };
    let scan = scan_package(&dir.0, &few_bytes);
    assert_eq!(scan.cut, Some(ScanCut::TotalBytes(13)));
    assert_eq!(scan.files.len(), 2);
    assert_eq!(scan.bytes_read, 12);

    let all = scan_package(&dir.0, &ScanLimits::default());
    assert_eq!((all.cut, all.files.len()), (None, 4));
}

#[test]
fn scan_of_a_missing_root_reports_it() {
    let scan = scan_package(
        Path::new("/nonexistent/uv-rootless"),
        &ScanLimits::default(),
    );
    assert!(scan.files.is_empty());
    assert_eq!(scan.unreadable_dirs.len(), 1);
    assert_eq!(scan.unreadable_dirs[0].0, "");
}

#[test]
fn module_calls_are_what_runs_as_a_script_not_inside_definitions() {
    let f = facts(
        "import streamlit as st\n\
         import gradio as gr\n\
         st.title('x')\n\
         with gr.Blocks() as demo:\n    \
             box = gr.Textbox()\n\
         def handler():\n    \
             st.write('inside')\n\
         class C:\n    \
             gr.Markdown('in class')\n\
         if __name__ == '__main__':\n    \
             demo.launch(server_port=7860)\n",
    );
    assert_eq!(
        callees(&f.module_calls),
        [
            "streamlit.title",
            "gradio.Blocks",
            "gradio.Textbox",
            "demo.launch"
        ]
    );
    assert_eq!(f.module_calls[3].line, 11);
}

#[test]
fn return_annotations_and_returned_values() {
    let f = facts(
        "from litestar import Litestar\nimport fastapi\n\
         def get_app() -> Litestar:\n    return Litestar([])\n\
         def make() -> 'fastapi.FastAPI':\n\
         \x20   app = fastapi.FastAPI()\n\
         \x20   def inner():\n        return 1\n\
         \x20   if x:\n        return\n\
         \x20   return app\n\
         def other() -> list[str]:\n    return ['a']\n",
    );
    let read: Vec<(&str, Option<&str>, &[Value])> = f
        .functions
        .iter()
        .map(|fun| {
            (
                fun.name.as_str(),
                fun.returns.as_deref(),
                fun.returned.as_slice(),
            )
        })
        .collect();
    let call = |callee: &str, line: u32, args: Vec<Value>| {
        Value::Call(Box::new(Call {
            line,
            callee: Some(callee.into()),
            args,
            kwargs: Vec::new(),
        }))
    };
    assert_eq!(
        read,
        [
            (
                "get_app",
                Some("litestar.Litestar"),
                &[call(
                    "litestar.Litestar",
                    4,
                    vec![Value::StrList(Vec::new())]
                )][..]
            ),
            (
                "make",
                Some("fastapi.FastAPI"),
                &[Value::Name("app".into())][..]
            ),
            ("inner", None, &[Value::Int(1)][..]),
            ("other", None, &[Value::StrList(vec!["a".into()])][..]),
        ]
    );
}

#[test]
fn parameters_with_defaults_annotated_options_and_decorator_arguments() {
    let f = facts(
        "import click, typer\nfrom typing import Annotated\n\
         @click.command()\n@click.option('--port', '-p', default=8000, envvar='PORT')\n\
         def serve(host, port: int = typer.Option(8000, '--port'), *args, debug=False,\n\
         \x20         name: Annotated[str, typer.Option('--name')] = 'x', **kw):\n    pass\n",
    );
    let serve = &f.functions[0];
    let params: Vec<(&str, Option<&Value>, Option<&str>)> = serve
        .params
        .iter()
        .map(|param| {
            (
                param.name.as_str(),
                param.default.as_ref(),
                param
                    .annotated
                    .as_ref()
                    .and_then(|call| call.callee.as_deref()),
            )
        })
        .collect();
    let typer_option = serve.params[1]
        .default
        .as_ref()
        .and_then(Value::as_call)
        .expect("a call");
    assert_eq!(typer_option.callee.as_deref(), Some("typer.Option"));
    assert_eq!(typer_option.args, [Value::Int(8000), str_value("--port")]);
    assert_eq!(
        params,
        [
            ("host", None, None),
            ("port", serve.params[1].default.as_ref(), None),
            ("debug", Some(&Value::Bool(false)), None),
            ("name", Some(&str_value("x")), Some("typer.Option")),
        ]
    );
    let option = serve.decorators[1].call.as_ref().expect("a call");
    assert_eq!(option.callee.as_deref(), Some("click.option"));
    assert_eq!(option.args, [str_value("--port"), str_value("-p")]);
    assert_eq!(option.kwarg("default"), Some(&Value::Int(8000)));
    assert_eq!(option.kwarg("envvar"), Some(&str_value("PORT")));
}

#[test]
fn environment_reads_say_whether_they_run_at_import_and_what_they_are_bound_to() {
    let f = facts(
        "import os, sys\n\
         KEY = os.environ.get('KEY', '')\n\
         PORT = int(os.environ['PORT'])\n\
         try:\n    OPT = os.environ['OPT']\nexcept KeyError:\n    OPT = None\n\
         def f():\n    return os.environ['LATER']\n\
         class C:\n    X = os.getenv('X')\n\
         handler = lambda: os.environ['LAMBDA']\n\
         app.config['SQLALCHEMY_DATABASE_URI'] = os.getenv('DB')\n\
         app.config[key] = os.getenv('COMPUTED')\n",
    );
    type Read<'a> = (
        Option<&'a str>,
        bool,
        bool,
        Option<&'a str>,
        Option<&'a str>,
    );
    let got: Vec<Read> = f
        .env_reads
        .iter()
        .map(|r| {
            (
                r.name.as_deref(),
                r.at_start,
                r.in_try,
                r.bound_to.as_deref(),
                r.cast.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("KEY"), true, false, Some("KEY"), None),
            (Some("PORT"), true, false, None, Some("int")),
            (Some("OPT"), true, true, Some("OPT"), None),
            (Some("LATER"), false, false, None, None),
            (Some("X"), true, false, None, None),
            (Some("LAMBDA"), false, false, None, None),
            (
                Some("DB"),
                true,
                false,
                Some("app.config[\"SQLALCHEMY_DATABASE_URI\"]"),
                None
            ),
            (Some("COMPUTED"), true, false, None, None),
        ]
    );
}

#[test]
fn ifs_that_stop_the_import_or_a_function_when_a_value_is_missing() {
    let f = facts(
        "import os, sys\n\
         KEY = os.environ.get('KEY', '')\n\
         if not KEY:\n    sys.exit('KEY is not set')\n\
         if TOKEN is None or URL == '':\n    raise RuntimeError('no token')\n\
         if 'HOME_DIR' not in os.environ:\n    raise SystemExit(1)\n\
         if not os.getenv('API'):\n    exit(2)\n\
         if not DEBUG:\n    print('production')\n\
         def f():\n    if not INNER:\n        sys.exit(1)\n\
         \x20   if not (value := os.getenv('WALRUS')):\n        raise RuntimeError('unset')\n\
         \x20   token = os.environ.get('TOKEN')\n\
         \x20   if token is None:\n        raise RuntimeError('unset')\n\
         \x20   handler = lambda: None\n\
         \x20   def inner():\n        if not NESTED:\n            raise SystemExit(1)\n\
         \x20   if not SOFT:\n        return None\n",
    );
    type Guard<'a> = (u32, Option<&'a str>, Option<&'a str>, Option<u32>);
    let got: Vec<Guard> = f
        .exit_guards
        .iter()
        .map(|g| (g.line, g.variable.as_deref(), g.env.as_deref(), g.function))
        .collect();
    assert_eq!(
        got,
        [
            (3, Some("KEY"), None, None),
            (5, Some("TOKEN"), None, None),
            (5, Some("URL"), None, None),
            (7, None, Some("HOME_DIR"), None),
            (9, None, Some("API"), None),
            (14, Some("INNER"), None, Some(13)),
            (16, None, Some("WALRUS"), Some(13)),
            (19, Some("token"), None, Some(13)),
            (23, Some("NESTED"), None, Some(22)),
        ]
    );
    // A read in a function is bound to the name its own body gives it.
    let bound: Vec<(Option<&str>, Option<&str>)> = f
        .env_reads
        .iter()
        .map(|r| (r.name.as_deref(), r.bound_to.as_deref()))
        .collect();
    assert!(bound.contains(&(Some("TOKEN"), Some("token"))), "{bound:?}");
    assert!(
        bound.contains(&(Some("WALRUS"), Some("value"))),
        "{bound:?}"
    );
}

#[test]
fn class_fields_with_annotations_values_and_config_calls() {
    let f = facts(
        "from pydantic import Field\n\
         from pydantic_settings import BaseSettings, SettingsConfigDict\n\
         class Settings(BaseSettings):\n    \
             model_config = SettingsConfigDict(env_prefix='APP_')\n    \
             host: str\n    \
             port: int = 8000\n    \
             dsn: Optional[ PostgresDsn ] = None\n    \
             key: str = Field(..., alias='THE_KEY')\n    \
             plain = 3\n",
    );
    let class = &f.classes[0];
    let fields: Vec<(&str, &str, Option<&Value>)> = class
        .fields
        .iter()
        .map(|field| {
            (
                field.name.as_str(),
                field.annotation.as_str(),
                field.value.as_ref(),
            )
        })
        .collect();
    assert_eq!(fields[0], ("host", "str", None));
    assert_eq!(fields[1], ("port", "int", Some(&Value::Int(8000))));
    assert_eq!(
        fields[2],
        ("dsn", "Optional[PostgresDsn]", Some(&Value::NoneLiteral))
    );
    let Some(Value::Call(call)) = fields[3].2 else {
        panic!("{:?}", fields[3]);
    };
    assert_eq!(call.callee.as_deref(), Some("pydantic.Field"));
    assert_eq!(call.args, [Value::Ellipsis]);
    assert_eq!(call.kwarg("alias"), Some(&str_value("THE_KEY")));
    assert_eq!(fields.len(), 4);
    let (name, config) = &class.calls[0];
    assert_eq!(name, "model_config");
    assert_eq!(
        config.callee.as_deref(),
        Some("pydantic_settings.SettingsConfigDict")
    );
    assert_eq!(config.kwarg("env_prefix"), Some(&str_value("APP_")));
}

#[test]
fn paths_built_from_the_modules_location() {
    let f = facts(
        "import os, logging\nfrom pathlib import Path\nfrom core.base import ROOT\nfrom core import conf\n\
         BASE_DIR = Path(__file__).resolve().parent.parent\n\
         HERE = os.path.dirname(os.path.abspath(__file__))\n\
         LOG_DIR = BASE_DIR / 'logs'\n\
         data = Path(__file__).parents[1].joinpath('data', 'x')\n\
         LOG_DIR.mkdir(exist_ok=True)\n\
         os.makedirs(os.path.join(BASE_DIR, 'media'), exist_ok=True)\n\
         (BASE_DIR / 'cache').mkdir()\n\
         logging.FileHandler(HERE + '/x.log')\n\
         logging.FileHandler(filename=str(BASE_DIR / 'logs' / 'app.log'))\n\
         open(os.path.join(HERE, '..', 'out.txt'), 'a')\n\
         LOGGING = {'handlers': {'f': {'filename': BASE_DIR / 'logs/django.log'}}}\n\
         os.makedirs(ROOT / 'tmp')\n\
         conf.BASE.joinpath('state').touch()\n\
         os.makedirs(BASE_DIR / '/abs')\n\
         Path('plain').mkdir()\n\
         other = 'x'\n\
         os.makedirs(other)\n",
    );
    let named: Vec<(&str, Option<&str>, Vec<&str>)> = f
        .file_paths
        .iter()
        .map(|n| {
            let steps = n.path.steps.iter().map(String::as_str).collect();
            (n.name.as_str(), n.path.anchor.as_deref(), steps)
        })
        .collect();
    assert_eq!(
        named,
        [
            ("BASE_DIR", None, vec!["..", ".."]),
            ("HERE", None, vec![".."]),
            ("LOG_DIR", None, vec!["..", "..", "logs"]),
            ("data", None, vec!["..", "..", "data", "x"]),
        ]
    );
    let writes: Vec<(u32, FsWriteKind, &str, Option<String>)> = f
        .fs_writes
        .iter()
        .map(|w| {
            let from_file = w.from_file.as_ref().map(|p| {
                format!(
                    "{}:{}",
                    p.anchor.as_deref().unwrap_or("__file__"),
                    p.steps.join("/")
                )
            });
            assert_eq!(w.constant, None);
            (w.line, w.kind.clone(), w.path.as_str(), from_file)
        })
        .collect();
    let file = |steps: &str| Some(format!("__file__:{steps}"));
    assert_eq!(
        writes,
        [
            (9, FsWriteKind::PathMkdir, "", file("../../logs")),
            (10, FsWriteKind::Makedirs, "", file("../../media")),
            (11, FsWriteKind::PathMkdir, "", file("../../cache")),
            (13, FsWriteKind::LogFile, "", file("../../logs/app.log")),
            (14, FsWriteKind::Open("a".into()), "", file("../../out.txt")),
            (15, FsWriteKind::LogFile, "", file("../../logs/django.log")),
            (
                16,
                FsWriteKind::Makedirs,
                "",
                Some("core.base.ROOT:tmp".into())
            ),
            (
                17,
                FsWriteKind::PathWrite,
                "",
                Some("core.conf.BASE:state".into())
            ),
            (19, FsWriteKind::PathMkdir, "plain", None),
        ]
    );
}

#[test]
fn path_arguments_given_to_other_calls() {
    let f = facts(
        "import os\nfrom pathlib import Path\nfrom core.base import ROOT\n\
         BASE_DIR = Path(__file__).resolve().parent.parent\n\
         init_logging('INFO', log_dir=BASE_DIR / 'logs')\n\
         setup(BASE_DIR, 'x', *rest)\n\
         helpers.ensure(ROOT, ROOT / 'cache')\n\
         os.makedirs(BASE_DIR / 'made')\n",
    );
    let got: Vec<String> = f
        .path_args
        .iter()
        .map(|a| {
            format!(
                "{} {} {:?} {:?} {:?} {}",
                a.line,
                a.callee,
                a.position,
                a.keyword,
                a.path.anchor,
                a.path.steps.join("/")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "5 init_logging None Some(\"log_dir\") None ../../logs",
            "7 helpers.ensure Some(1) None Some(\"core.base.ROOT\") cache",
        ]
    );
}

#[test]
fn loguru_sinks_that_are_paths_are_log_files() {
    let f = facts(
        "import sys, loguru\nfrom pathlib import Path\nfrom loguru import logger\nfrom loguru import logger as log\n\
         BASE_DIR = Path(__file__).resolve().parent\n\
         LOG_FILE = 'logs/const.log'\n\
         logger.add('logs/app.log', rotation='10 MB')\n\
         log.add(sink='logs/kw.log')\n\
         loguru.logger.add(LOG_FILE)\n\
         logger.add(BASE_DIR / 'logs' / 'here.log')\n\
         logger.add(sys.stderr, level='INFO')\n\
         logger.add(print)\n\
         logger.add(lambda m: None)\n\
         logger.add(handler)\n\
         logger.add(logging.StreamHandler())\n\
         logger.add(f'logs/{name}.log')\n\
         other.add('not/loguru.log')\n",
    );
    // `sys.stderr` is read as a name of another module, which the reader looks up among the
    // paths that module builds from its location: none, so it is no written path.
    let got: Vec<(u32, FsWriteKind, String)> = f
        .fs_writes
        .iter()
        .map(|w| {
            let from_file = w.from_file.as_ref().map(|p| {
                format!(
                    "{}:{}",
                    p.anchor.as_deref().unwrap_or("__file__"),
                    p.steps.join("/")
                )
            });
            let what = match (&w.constant, from_file) {
                (Some(constant), _) => format!("constant {constant}"),
                (None, Some(from_file)) => format!("from {from_file}"),
                (None, None) => w.path.clone(),
            };
            (w.line, w.kind.clone(), what)
        })
        .collect();
    let log = |line: u32, what: &str| (line, FsWriteKind::LogFile, what.to_string());
    assert_eq!(
        got,
        [
            log(7, "logs/app.log"),
            log(8, "logs/kw.log"),
            log(9, "constant LOG_FILE"),
            log(10, "from __file__:../logs/here.log"),
            log(11, "from sys.stderr:"),
        ]
    );
}

#[test]
fn module_level_aliases_are_names_bound_to_a_name_or_an_attribute() {
    let f = facts(
        "from .base import base_app\n\
         import pkg.core as core\n\
         app = base_app\n\
         application = app\n\
         api = core.app\n\
         same = same\n\
         DEBUG = True\n\
         def f():\n    inner = app\n\
         if True:\n    guarded = api\n",
    );
    let aliases: Vec<(u32, &str, &str)> = f
        .aliases
        .iter()
        .map(|a| (a.line, a.target.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        aliases,
        [
            (3, "app", ".base.base_app"),
            (4, "application", "app"),
            (5, "api", "pkg.core.app"),
            (11, "guarded", "api"),
        ]
    );
}
