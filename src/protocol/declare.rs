//! The message declaration DSL: [`kafka_api!`] declares an API (key, versions, flexible versions,
//! request, response and their nested structs), [`kafka_struct!`] one struct. They generate the
//! structs, their [`Default`] (declared defaults), [`Wire`](crate::protocol::wire::Wire) (encode and
//! decode at every version), [`Message`](crate::protocol::Message),
//! [`Request`](crate::protocol::Request) and the property tests.
//!
//! A field is `name: Type`, then optionally `= default`, then optionally `=> spec`, where the spec
//! is built from [`wire`](crate::protocol::wire)'s `always()`, `since(v)`, `until(v)`,
//! `versions(a, b)`, `nullable()` and the modifiers `.nullable()`, `.nullable_since(v)`,
//! `.tag(t)`, `.ignorable()`; no spec means every version, never null. Types are `bool`, `i8`,
//! `i16`, `i32`, `i64`, `u16`, `u32`, `[u8; 16]` (UUID), `String`, `Bytes`, `Vec<T>`,
//! `Option<T>` (a nullable string, bytes, array or struct) and declared structs. Tagged fields
//! are declared in increasing tag order; an `Option` tagged field is absent when `None`.
//!
//! ```ignore
//! kafka_api! {
//!     Heartbeat: HeartbeatRequest => HeartbeatResponse, versions 0..=4, flexible 4;
//!
//!     pub struct HeartbeatRequest {
//!         group_id: String,
//!         generation_id: i32,
//!         member_id: String,
//!         group_instance_id: Option<String> => since(3).nullable(),
//!     }
//!
//!     pub struct HeartbeatResponse {
//!         throttle_time_ms: i32 => since(1).ignorable(),
//!         error_code: i16,
//!     }
//! }
//! ```
//!
//! `versions a..=b` declares every version the schema's `validVersions` lists (we decode and
//! encode all of them: the property tests, the fuzzer and peers' bytes cover the whole range). The
//! optional `client ..=c` after it caps what the client *negotiates*
//! ([`Request::CLIENT_MAX_VERSION`](crate::protocol::Request::CLIENT_MAX_VERSION), used by
//! `Connection::version_for`): versions above `c` are declared faithfully but the client's logic
//! does not fill in what they add (topic ids instead of names, say), so it must not send them.
//! Without the clause the cap is `b`.
//!
//! ```ignore
//! kafka_api! {
//!     Fetch: FetchRequest => FetchResponse, versions 4..=18, client ..=12, flexible 12;
//!     // ...
//! }
//! ```
//!
//! `prepare path` after the flexible versions names a `fn(&Req, i16) -> EncodeResult<Cow<Req>>`
//! that adapts a request to the version before it is encoded (FindCoordinator's single key vs
//! batch, for instance).

/// Declares one protocol struct; see the [module docs](self).
macro_rules! kafka_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty $(= $default:expr)? $(=> $spec:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self { $( $field: $crate::protocol::declare::kafka_struct!(@default $($default)?), )* }
            }
        }

        impl $crate::protocol::wire::Wire for $name {
            #[inline]
            #[allow(unused_variables)]
            fn put(
                &self,
                buf: &mut ::bytes::BytesMut,
                version: i16,
                flexible: bool,
            ) -> $crate::protocol::EncodeResult {
                $(
                    $crate::protocol::wire::put_field(
                        buf,
                        &self.$field,
                        || self.$field == $crate::protocol::declare::kafka_struct!(@typed $ty; $($default)?),
                        $crate::protocol::declare::kafka_struct!(@spec $($spec)?),
                        stringify!($field),
                        version,
                        flexible,
                    )?;
                )*
                if flexible {
                    let mut count = 0u32;
                    $(
                        if $crate::protocol::declare::kafka_struct!(@spec $($spec)?).tagged_at(version)
                            && self.$field != $crate::protocol::declare::kafka_struct!(@typed $ty; $($default)?)
                        {
                            count += 1;
                        }
                    )*
                    $crate::protocol::primitives::put_uvarint(buf, count);
                    if count > 0 {
                        $(
                            let spec = $crate::protocol::declare::kafka_struct!(@spec $($spec)?);
                            if spec.tagged_at(version)
                                && self.$field != $crate::protocol::declare::kafka_struct!(@typed $ty; $($default)?)
                            {
                                $crate::protocol::declare::put_tagged(buf, spec, |b| {
                                    $crate::protocol::wire::Wire::put_tagged(&self.$field, b, version)
                                })?;
                            }
                        )*
                    }
                }
                Ok(())
            }

            #[inline]
            #[allow(unused_variables)]
            fn get(
                buf: &mut ::bytes::Bytes,
                version: i16,
                flexible: bool,
            ) -> $crate::protocol::DecodeResult<Self> {
                // Fields are read in declaration order (struct expressions evaluate in order).
                #[allow(unused_mut)]
                let mut out = Self {
                    $(
                        $field: {
                            let spec = $crate::protocol::declare::kafka_struct!(@spec $($spec)?);
                            if spec.inline_at(version) {
                                $crate::protocol::wire::get_field(buf, spec, version, flexible)?
                            } else {
                                $crate::protocol::declare::kafka_struct!(@typed $ty; $($default)?)
                            }
                        },
                    )*
                };
                if flexible {
                    $crate::protocol::wire::get_tag_section(buf, |tag, data| {
                        $(
                            let spec = $crate::protocol::declare::kafka_struct!(@spec $($spec)?);
                            if spec.tagged_at(version) && spec.tag == Some(tag) {
                                out.$field = <$ty as $crate::protocol::wire::Wire>::get_tagged(data, version)?;
                            }
                        )*
                        Ok(())
                    })?;
                }
                Ok(out)
            }

            fn size_hint(&self) -> usize {
                1 $( + $crate::protocol::wire::Wire::size_hint(&self.$field) )*
            }
        }

        impl $crate::protocol::wire::Nullable for $name {
            fn put_opt(
                v: Option<&Self>,
                buf: &mut ::bytes::BytesMut,
                version: i16,
                flexible: bool,
            ) -> $crate::protocol::EncodeResult {
                match v {
                    None => {
                        $crate::protocol::primitives::put_i8(buf, -1);
                        Ok(())
                    }
                    Some(v) => {
                        $crate::protocol::primitives::put_i8(buf, 1);
                        $crate::protocol::wire::Wire::put(v, buf, version, flexible)
                    }
                }
            }

            fn get_opt(
                buf: &mut ::bytes::Bytes,
                version: i16,
                flexible: bool,
            ) -> $crate::protocol::DecodeResult<Option<Self>> {
                if $crate::protocol::primitives::get_i8(buf)? < 0 {
                    Ok(None)
                } else {
                    $crate::protocol::wire::Wire::get(buf, version, flexible).map(Some)
                }
            }
        }

        #[cfg(feature = "python")]
        impl $crate::bindings::protocol_dict::ToPy for $name {
            fn to_py<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::PyAny>> {
                let d = ::pyo3::types::PyDict::new(py);
                $(
                    ::pyo3::types::PyDictMethods::set_item(
                        &d,
                        stringify!($field),
                        $crate::bindings::protocol_dict::ToPy::to_py(&self.$field, py)?,
                    )?;
                )*
                Ok(::pyo3::Bound::into_any(d))
            }
        }

        #[cfg(feature = "python")]
        impl $crate::bindings::protocol_dict::FromPy for $name {
            #[allow(unused_variables)]
            fn from_py(obj: &::pyo3::Bound<'_, ::pyo3::PyAny>) -> ::pyo3::PyResult<Self> {
                let d = $crate::bindings::protocol_dict::as_dict(obj)?;
                #[allow(unused_mut)]
                let mut out = <Self as ::core::default::Default>::default();
                $( $crate::bindings::protocol_dict::read_field(d, stringify!($field), &mut out.$field)?; )*
                Ok(out)
            }
        }

        #[cfg(test)]
        impl $crate::protocol::messages::test_util::Sample for $name {
            fn sample(rng: &mut ::fastrand::Rng) -> Self {
                Self { $( $field: $crate::protocol::messages::test_util::Sample::sample(rng), )* }
            }

            #[allow(unused_variables)]
            fn canonicalise(&mut self, version: i16, flexible: bool) {
                $(
                    let spec = $crate::protocol::declare::kafka_struct!(@spec $($spec)?);
                    if !spec.has(version) || (spec.tag.is_some() && !flexible) {
                        self.$field = $crate::protocol::declare::kafka_struct!(@default $($default)?);
                    } else {
                        if spec.tag.is_none() && !spec.nullable_at(version) {
                            $crate::protocol::wire::Wire::fill_null(&mut self.$field);
                        }
                        $crate::protocol::messages::test_util::Sample::canonicalise(
                            &mut self.$field,
                            version,
                            flexible,
                        );
                    }
                )*
            }
        }
    };
    (@typed $ty:ty; $($default:expr)?) => {{
        let default: $ty = $crate::protocol::declare::kafka_struct!(@default $($default)?);
        default
    }};
    (@default) => {
        ::core::default::Default::default()
    };
    (@default $default:expr) => {
        $default
    };
    (@spec) => {
        $crate::protocol::wire::always()
    };
    (@spec $spec:expr) => {
        const {
            #[allow(unused_imports)]
            use $crate::protocol::wire::{always, nullable, since, until, versions};
            $spec
        }
    };
}

/// Declares an API: its key (an [`ApiKey`](crate::protocol::ApiKey) variant), request and
/// response types, version range and first flexible version (`none` if none), then every struct
/// the two use; see the [module docs](self). `data [A, B], versions ..., flexible ...;` declares
/// messages that are not requests or responses (embedded protocols such as the consumer's).
macro_rules! kafka_api {
    (
        $key:ident : $req:ident => $resp:ident,
        versions $min:literal ..= $max:literal,
        $(client ..= $cap:literal,)?
        flexible $flex:tt
        $(, prepare $prep:path)? ;
        $($structs:tt)+
    ) => {
        $crate::protocol::declare::kafka_api! {
            @messages [$req $(=> $prep)?, $resp], versions $min..=$max, flexible $flex;
            $($structs)+
        }

        impl $crate::protocol::Request for $req {
            const API_KEY: $crate::protocol::ApiKey = $crate::protocol::ApiKey::$key;
            const MIN_VERSION: i16 = $min;
            const MAX_VERSION: i16 = $max;
            const CLIENT_MAX_VERSION: i16 = $crate::protocol::declare::kafka_api!(@cap $max $(, $cap)?);
            const FLEXIBLE_FROM: i16 = $crate::protocol::declare::kafka_api!(@flex $flex);
            type Response = $resp;
        }

        const _: () = assert!(
            $min <= <$req as $crate::protocol::Request>::CLIENT_MAX_VERSION
                && <$req as $crate::protocol::Request>::CLIENT_MAX_VERSION <= $max,
            "the client cap must lie within the declared versions"
        );
    };
    (@cap $max:literal) => {
        $max
    };
    (@cap $max:literal, $cap:literal) => {
        $cap
    };
    (
        data [$($ty:ident),+],
        versions $min:literal ..= $max:literal,
        flexible $flex:tt ;
        $($structs:tt)+
    ) => {
        $crate::protocol::declare::kafka_api! {
            @messages [$($ty),+], versions $min..=$max, flexible $flex;
            $($structs)+
        }
    };
    // The structs, then `Message` and the property tests (a module named after the type) for
    // each top-level message.
    (
        @messages [$($ty:ident $(=> $prep:path)?),+],
        versions $min:literal ..= $max:literal,
        flexible $flex:tt ;
        $(
            $(#[$meta:meta])*
            pub struct $name:ident { $($body:tt)* }
        )+
    ) => {
        $(
            $crate::protocol::declare::kafka_struct! {
                $(#[$meta])*
                pub struct $name { $($body)* }
            }
        )+

        $(
            $crate::protocol::declare::kafka_api!(@message $ty, $min, $max, $flex $(, $prep)?);
        )+

        #[cfg(test)]
        mod declared_tests {
            $(
                #[allow(non_snake_case)]
                mod $ty {
                    use super::super::*;
                    $crate::protocol::messages::test_util::message_proptests!(
                        $min..=$max,
                        $crate::protocol::declare::kafka_api!(@flex $flex),
                        $ty => $crate::protocol::declare::kafka_api!(@prepare_fn $($prep)?)
                    );
                }
            )+
        }
    };
    (@message $ty:ident, $min:literal, $max:literal, $flex:tt $(, $prep:path)?) => {
        impl $crate::protocol::Message for $ty {
            fn encode(&self, buf: &mut ::bytes::BytesMut, version: i16) -> $crate::protocol::EncodeResult {
                $crate::protocol::check_version(stringify!($ty), version, $min, $max)?;
                let flexible = version >= $crate::protocol::declare::kafka_api!(@flex $flex);
                let this: ::std::borrow::Cow<'_, Self> =
                    $crate::protocol::declare::kafka_api!(@prepare_fn $($prep)?)(self, version)?;
                buf.reserve($crate::protocol::wire::Wire::size_hint(&*this));
                $crate::protocol::wire::Wire::put(&*this, buf, version, flexible)
            }

            fn decode(buf: &mut ::bytes::Bytes, version: i16) -> $crate::protocol::DecodeResult<Self> {
                if !($min..=$max).contains(&version) {
                    return Err($crate::protocol::DecodeError::Malformed(format!(
                        "{} version {version} is not supported",
                        stringify!($ty)
                    )));
                }
                let flexible = version >= $crate::protocol::declare::kafka_api!(@flex $flex);
                $crate::protocol::wire::Wire::get(buf, version, flexible)
            }
        }
    };
    (@flex none) => {
        i16::MAX
    };
    (@flex $flex:literal) => {
        $flex
    };
    (@prepare_fn) => {
        $crate::protocol::declare::unchanged
    };
    (@prepare_fn $prep:path) => {
        $prep
    };
}

pub(crate) use {kafka_api, kafka_struct};

use std::borrow::Cow;

use bytes::BytesMut;

use super::primitives::put_uvarint;
use super::wire::Field;
use super::{EncodeError, EncodeResult};

/// The `prepare` of a request that needs none.
#[inline]
pub fn unchanged<T: Clone>(msg: &T, _version: i16) -> EncodeResult<Cow<'_, T>> {
    Ok(Cow::Borrowed(msg))
}

/// Writes one tagged field: its tag, its payload's length, its payload (written by `write`).
pub fn put_tagged(
    buf: &mut BytesMut,
    spec: Field,
    write: impl FnOnce(&mut BytesMut) -> EncodeResult,
) -> EncodeResult {
    let mut payload = BytesMut::new();
    write(&mut payload)?;
    put_uvarint(buf, spec.tag.unwrap_or_default());
    let len = u32::try_from(payload.len())
        .map_err(|_| EncodeError::TooLong { what: "tagged field", len: payload.len() })?;
    put_uvarint(buf, len);
    buf.extend_from_slice(&payload);
    Ok(())
}
