//! The pages `serve` shows people: the agent desktop (`/agent`) and the supervisor's Scheduled
//! Callbacks view (`/callbacks`). They are plain HTML with a small script each, compiled into the
//! binary (no CDN, no build step, nothing to install), and they talk to the same JSON API and
//! event stream every other client uses — a page can do nothing the API does not allow its token.
//!
//! Every page is sent with `Content-Security-Policy: default-src 'self'`: the browser itself
//! refuses any request to another host, so the pages cannot add an external request by accident.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// One file of the pages, as served.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// Every file the pages are made of; the routes below serve exactly these.
const ASSETS: &[Asset] = &[
    Asset {
        path: "/agent",
        content_type: "text/html; charset=utf-8",
        body: include_str!("pages/agent.html"),
    },
    Asset {
        path: "/callbacks",
        content_type: "text/html; charset=utf-8",
        body: include_str!("pages/callbacks.html"),
    },
    Asset {
        path: "/assets/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("pages/app.js"),
    },
    Asset {
        path: "/assets/agent.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("pages/agent.js"),
    },
    Asset {
        path: "/assets/callbacks.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("pages/callbacks.js"),
    },
    Asset {
        path: "/assets/style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("pages/style.css"),
    },
];

/// The policy every page and asset is sent with: nothing but this server, no inline script.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                      frame-ancestors 'none'; form-action 'self'";

fn answer(asset: &Asset) -> Response {
    with_policy((StatusCode::OK, asset.body).into_response(), asset.content_type)
}

/// A page made on the server (`/flows`), sent like the others.
pub fn html(body: String) -> Response {
    with_policy((StatusCode::OK, body).into_response(), "text/html; charset=utf-8")
}

fn with_policy(mut response: Response, content_type: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The pages change with the binary: a browser asks again rather than keep an old script.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Adds the pages' routes (and `/`, which leads to the agent desktop).
pub fn routes<S: Clone + Send + Sync + 'static>(mut router: axum::Router<S>) -> axum::Router<S> {
    for asset in ASSETS {
        router = router.route(asset.path, axum::routing::get(move || async move { answer(asset) }));
    }
    router.route("/", axum::routing::get(|| async { Redirect::to("/agent") }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_and_style_a_page_names_is_served() {
        for page in ASSETS.iter().filter(|a| a.content_type.starts_with("text/html")) {
            for part in page.body.split("\"/assets/").skip(1) {
                let name = format!("/assets/{}", part.split('"').next().unwrap());
                assert!(
                    ASSETS.iter().any(|a| a.path == name),
                    "{} names {name}, which is not served",
                    page.path
                );
            }
            assert!(!page.body.contains("http://") && !page.body.contains("https://"), "{}", page.path);
            assert!(!page.body.contains("<script>"), "{}: inline script is refused by the policy", page.path);
        }
    }
}
