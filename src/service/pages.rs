//! The pages `serve` shows people: the agent desktop (`/agent`), the supervisor's Scheduled
//! Callbacks view (`/callbacks`), the supervisor's campaigns (`/campaigns`) and the web phone (`/phone`); `/flows` is made by `flows_page.rs` and sent through [`html`]. They are plain HTML with a small script each, compiled into the
//! binary (no CDN, no build step, nothing to install), and they talk to the same JSON API and
//! event stream every other client uses — a page can do nothing the API does not allow its token.
//!
//! Every page is sent with `Content-Security-Policy: default-src 'self'`: the browser itself
//! refuses any request to another host, so the pages cannot add an external request by accident.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every file the pages are made of, as (path, content type, body); the routes below serve
/// exactly these.
const ASSETS: &[(&str, &str, &str)] = &[
    ("/agent", HTML, include_str!("pages/agent.html")),
    ("/callbacks", HTML, include_str!("pages/callbacks.html")),
    ("/phone", HTML, include_str!("pages/phone.html")),
    ("/campaigns", HTML, include_str!("pages/campaigns.html")),
    ("/assets/app.js", JS, include_str!("pages/app.js")),
    ("/assets/agent.js", JS, include_str!("pages/agent.js")),
    ("/assets/callbacks.js", JS, include_str!("pages/callbacks.js")),
    ("/assets/phone.js", JS, include_str!("pages/phone.js")),
    ("/assets/campaigns.js", JS, include_str!("pages/campaigns.js")),
    ("/assets/style.css", CSS, include_str!("pages/style.css")),
];

/// The policy every page and asset is sent with: nothing but this server, no inline script.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                      frame-ancestors 'none'; form-action 'self'";

/// A page made on the server (`/flows`), sent like the others.
pub fn html(body: String) -> Response {
    with_policy((StatusCode::OK, body).into_response(), HTML)
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
    for &(path, content_type, body) in ASSETS {
        let answer = move || async move { with_policy((StatusCode::OK, body).into_response(), content_type) };
        router = router.route(path, axum::routing::get(answer));
    }
    router.route("/", axum::routing::get(|| async { Redirect::to("/agent") }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_and_style_a_page_names_is_served() {
        for (page, _, body) in ASSETS.iter().filter(|a| a.1 == HTML) {
            for part in body.split("\"/assets/").skip(1) {
                let name = format!("/assets/{}", part.split('"').next().unwrap());
                assert!(ASSETS.iter().any(|a| a.0 == name), "{page} names {name}, which is not served");
            }
            assert!(!body.contains("http://") && !body.contains("https://"), "{page}");
            assert!(!body.contains("<script>"), "{page}: inline script is refused by the policy");
        }
    }
}
