//! List calls as streams that follow `next_page_token` until the last page.

use std::future::Future;

use futures::{StreamExt, TryStreamExt, stream::BoxStream};

use crate::{Error, Result};

/// The items of a List call, fetched page by page as the stream is polled.
/// Each page is one logical call (with its own deadline and retries); an
/// error ends the stream.
///
/// ```no_run
/// # async fn run(client: redress_sdk::Client) -> redress_sdk::Result<()> {
/// use futures::TryStreamExt;
/// use redress_sdk::proto::intake::v1::ListComplaintsRequest;
///
/// let request = ListComplaintsRequest { player_id: "player-42".into(), ..Default::default() };
/// let complaints: Vec<_> = client.intake().list_complaints(request).try_collect().await?;
/// # let _ = complaints;
/// # Ok(())
/// # }
/// ```
pub type ItemStream<T> = BoxStream<'static, Result<T>>;

/// Pages `request` with `fetch` (one page: items and the next token),
/// writing each next token into the request with `set_token`.
pub(crate) fn paginate<Req, T, F, Fut>(request: Req, set_token: fn(&mut Req, String), fetch: F) -> ItemStream<T>
where
    Req: Clone + Send + 'static,
    T: Send + 'static,
    F: FnMut(Req) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, String)>> + Send + 'static,
{
    futures::stream::try_unfold((Some(request), fetch, String::new()), move |(next, mut fetch, previous)| async move {
        let Some(mut request) = next else { return Ok(None) };
        let (items, token) = fetch(request.clone()).await?;
        if token.is_empty() {
            return Ok(Some((items, (None, fetch, token))));
        }
        if token == previous {
            return Err(Error::Other {
                reason: String::new(),
                status: Box::new(tonic::Status::internal("the server returned a page token that does not advance")),
            });
        }
        set_token(&mut request, token.clone());
        Ok(Some((items, (Some(request), fetch, token))))
    })
    .map_ok(|page| futures::stream::iter(page.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    #[tokio::test]
    async fn pages_are_followed_to_the_end_and_a_stuck_token_is_an_error() {
        let pages = |token: String| async move {
            Ok(match token.as_str() {
                "" => (vec![1, 2], "a".to_owned()),
                "a" => (vec![], "b".to_owned()),
                _ => (vec![3], String::new()),
            })
        };
        let all: Vec<i32> = paginate(String::new(), |r, t| *r = t, pages).try_collect().await.unwrap();
        assert_eq!(all, [1, 2, 3]);

        let stuck = |_: String| async move { Ok((vec![1], "same".to_owned())) };
        let result: Result<Vec<i32>> = paginate(String::new(), |r, t| *r = t, stuck).try_collect().await;
        assert!(result.is_err());
    }
}
