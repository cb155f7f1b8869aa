//! From a tonic service trait to plain handlers, written once.
//!
//! A handler is an inherent method of the service's API type that takes the
//! authenticated [`Caller`] and the request message and returns the response
//! message or an [`ApiError`]:
//!
//! ```ignore
//! impl IntakeApi {
//!     pub(crate) async fn get_complaint(&self, caller: Caller, req: GetComplaintRequest)
//!         -> Result<GetComplaintResponse, ApiError> { … }
//! }
//! ```
//!
//! so it can be called (and unit-tested) without tonic. [`delegate!`] writes
//! the tonic side: a newtype over `Arc<Api>` whose trait methods check the
//! caller's roles (the method's row in the table is its whole authorization
//! rule at that level) and run the handler through [`handle`].

use std::{future::Future, sync::Arc};

use redress_auth::{Caller, Role, authorize};
use redress_errors::ApiError;
use tonic::{Request, Response, Status};
use tracing::Instrument as _;

#[doc(hidden)]
pub use tonic::async_trait;

/// Runs one request: authorizes the caller for `roles`, then runs `handler`
/// to its end on a task of its own and maps its error to a `Status`.
///
/// Detached because tonic drops a handler's future when the client cancels
/// or its deadline passes; cut between BEGIN and COMMIT, sqlx and PostgreSQL
/// disagree about the transaction (a ROLLBACK queued behind a COMMIT already
/// sent makes the server log "there is no transaction in progress"; a BEGIN
/// sent but not awaited leaves a pooled connection idle in transaction).
/// Detached, every write ends in its own COMMIT or ROLLBACK, and the
/// request's span (and the trace context the outbox rows keep) goes with it.
pub async fn handle<A, Q, R, F, Fut>(
    api: &Arc<A>,
    request: Request<Q>,
    roles: &[Role],
    handler: F,
) -> Result<Response<R>, Status>
where
    A: Send + Sync + 'static,
    F: FnOnce(Arc<A>, Caller, Q) -> Fut,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    R: Send + 'static,
{
    let caller = authorize(&request, roles)?;
    let work = handler(Arc::clone(api), caller, request.into_inner());
    match tokio::spawn(work.in_current_span()).await {
        Ok(result) => result.map(Response::new).map_err(Into::into),
        Err(err) => Err(ApiError::internal(format!("request task ended abnormally: {err}")).into()),
    }
}

/// Declares a tonic service as a newtype over `Arc<Api>` and implements its
/// trait by delegating each RPC to the API's handler of the same name, after
/// checking the caller holds one of the listed roles:
///
/// ```ignore
/// redress_server::delegate! {
///     /// The public service.
///     pub struct PublicService(IntakeApi): IntakeService {
///         submit_complaint(SubmitComplaintRequest) -> SubmitComplaintResponse = WRITERS;
///         get_complaint(GetComplaintRequest) -> GetComplaintResponse = READERS;
///     }
/// }
/// ```
///
/// Streaming methods (whose signatures the table cannot say) follow the
/// table in an `@streaming { … }` block, written out as trait items that call
/// [`handle`] themselves: the stream is the request (or the response) that
/// [`handle`] passes on.
#[macro_export]
macro_rules! delegate {
    ($(#[$meta:meta])* pub struct $service:ident($api:ty): $trait:path {
        $($method:ident($req:ty) -> $resp:ty = $roles:expr;)*
        $(@streaming { $($streaming:tt)* })?
    }) => {
        $(#[$meta])*
        pub struct $service(pub ::std::sync::Arc<$api>);

        #[$crate::handlers::async_trait]
        impl $trait for $service {
            $(
                async fn $method(
                    &self,
                    request: ::tonic::Request<$req>,
                ) -> ::std::result::Result<::tonic::Response<$resp>, ::tonic::Status> {
                    $crate::handlers::handle(&self.0, request, $roles, |api, caller, req| async move {
                        api.$method(caller, req).await
                    })
                    .await
                }
            )*
            $($($streaming)*)?
        }
    };
}

/// The routes of a service's tonic servers, each behind the bearer-token
/// authenticator and held to the configured message size both ways:
///
/// ```ignore
/// let routes = redress_server::routes!(Authenticator::new(verifier), config.server.max_message_bytes;
///     IntakeServiceServer::new(PublicService(Arc::clone(&api))),
///     IntakeInternalServiceServer::new(InternalService(api)),
/// );
/// ```
#[macro_export]
macro_rules! routes {
    ($auth:expr, $max_message_bytes:expr; $first:expr $(, $rest:expr)* $(,)?) => {{
        let auth: $crate::Authenticator = $auth;
        let max: usize = $max_message_bytes;
        let routes = ::tonic::service::Routes::new(::tonic::service::interceptor::InterceptedService::new(
            $first.max_decoding_message_size(max).max_encoding_message_size(max),
            auth.clone(),
        ));
        $(
            let routes = routes.add_service(::tonic::service::interceptor::InterceptedService::new(
                $rest.max_decoding_message_size(max).max_encoding_message_size(max),
                auth.clone(),
            ));
        )*
        routes
    }};
}
