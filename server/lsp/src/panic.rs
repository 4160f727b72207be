//! A service wrapper that turns a panicking handler into an error response, so one bad
//! request cannot take the whole server down. (tower-lsp-server polls handler futures
//! inside its main loop, where an unwinding panic would end the process.)

use futures::future::{BoxFuture, FutureExt};
use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};

pub struct CatchPanic<S> {
    inner: S,
}

impl<S> CatchPanic<S> {
    pub fn new(inner: S) -> Self {
        CatchPanic { inner }
    }
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        let fut = self.inner.call(req);
        AssertUnwindSafe(fut)
            .catch_unwind()
            .map(move |result| match result {
                Ok(response) => response,
                Err(payload) => {
                    let what = payload
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_string());
                    tracing::error!("handler for {method} panicked: {what}");
                    Ok(id.map(|id| {
                        Response::from_error(
                            id,
                            Error {
                                code: ErrorCode::InternalError,
                                message: format!("internal error in {method}: {what}; the server is still running").into(),
                                data: None,
                            },
                        )
                    }))
                }
            })
            .boxed()
    }
}
