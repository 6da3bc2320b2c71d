//! A record's fields as `send()` receives them from Python, shared by the sync and asyncio
//! producers: zero-copy key/value bytes, headers, the validated-topic cache, and the checks of
//! the native fast path (which hands anything unusual back to the Python path, so that errors
//! are raised in one place with kafka-python's classes and messages).

use std::collections::HashSet;
use std::sync::Arc;

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString, PyTuple};

use crate::producer::{Producer, RecordRef};

/// Key or value bytes: borrowed from a Python `bytes` (zero-copy) or copied from another buffer.
pub enum Data<'py> {
    Borrowed(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl Data<'_> {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Data::Borrowed(b) => b.as_bytes(),
            Data::Owned(v) => v,
        }
    }
}

/// Owned record headers.
pub type Headers = Vec<(String, Option<Vec<u8>>)>;

/// A record's checked fields, ready to be appended (by either producer).
pub struct RecordArgs<'py> {
    pub partition: Option<i32>,
    pub key: Option<Data<'py>>,
    pub value: Option<Data<'py>>,
    pub headers: Headers,
    pub timestamp_ms: Option<i64>,
}

impl<'py> RecordArgs<'py> {
    /// The general path's record, already checked by the Python layer: bytes-like key and value
    /// (copied unless `bytes`) and `(str, bytes | None)` headers.
    pub fn checked(
        partition: Option<i32>,
        key: Option<&Bound<'py, PyAny>>,
        value: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        timestamp_ms: Option<i64>,
    ) -> PyResult<Self> {
        Ok(Self {
            partition,
            key: data(key, "key")?,
            value: data(value, "value")?,
            headers: extract_headers(headers)?,
            timestamp_ms,
        })
    }

    /// Borrowed header pairs, as the accumulator takes them.
    pub fn header_refs(&self) -> Vec<(&str, Option<&[u8]>)> {
        self.headers.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect()
    }

    /// The accumulator's view of the record, stamped `timestamp_ms`.
    pub fn record_ref<'a>(
        &'a self,
        timestamp_ms: i64,
        headers: &'a [(&'a str, Option<&'a [u8]>)],
    ) -> RecordRef<'a> {
        RecordRef {
            timestamp_ms,
            key: self.key.as_ref().map(Data::as_slice),
            value: self.value.as_ref().map(Data::as_slice),
            headers,
        }
    }
}

/// A checked key or value of the general path: None, bytes, or any other buffer (copied).
pub fn data<'py>(obj: Option<&Bound<'py, PyAny>>, what: &str) -> PyResult<Option<Data<'py>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => {
            if let Ok(b) = o.cast::<PyBytes>() {
                return Ok(Some(Data::Borrowed(b.clone())));
            }
            match o.extract::<Vec<u8>>() {
                Ok(v) if !o.is_instance_of::<PyString>() => Ok(Some(Data::Owned(v))),
                _ => {
                    let b = o.py().import("builtins")?.getattr("bytes")?.call1((o,)).map_err(|_| {
                        pyo3::exceptions::PyTypeError::new_err(format!(
                            "Unsupported type for serialized {what}"
                        ))
                    })?;
                    Ok(Some(Data::Owned(b.cast::<PyBytes>()?.as_bytes().to_vec())))
                }
            }
        }
    }
}

/// The general path's headers: an iterable of `(str, bytes | None)` already checked by Python.
pub fn extract_headers(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Headers> {
    let mut out = Vec::new();
    if let Some(h) = headers.filter(|h| !h.is_none()) {
        for item in h.try_iter()? {
            out.push(item?.extract()?);
        }
    }
    Ok(out)
}

/// A serialized key or value on the fast path: `Some(None)` for None, `Some(bytes)` for a
/// bytes-like object, None for any other type (an error the caller raises).
pub fn bytes_like<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Option<Data<'py>>>> {
    if obj.is_none() {
        return Ok(Some(None));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(Some(Data::Borrowed(b.clone()))));
    }
    if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
        return data(Some(obj), "value").map(Some);
    }
    Ok(None)
}

/// Fast-path headers: a list (or, with `any_iterable`, any iterable) of `(str, bytes)` tuples
/// (values may also be None with `none_values`). None when an item is not: the Python path
/// raises the error.
pub fn plain_headers(
    headers: &Bound<'_, PyAny>,
    any_iterable: bool,
    none_values: bool,
) -> PyResult<Option<Headers>> {
    let items = match headers.cast::<PyList>() {
        Ok(list) => list.iter().collect::<Vec<_>>(),
        Err(_) if any_iterable => match headers.try_iter() {
            Ok(it) => it.collect::<PyResult<Vec<_>>>()?,
            Err(_) => return Ok(None),
        },
        Err(_) => return Ok(None),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Ok(pair) = item.cast::<PyTuple>() else { return Ok(None) };
        if pair.len() != 2 {
            return Ok(None);
        }
        let (k, v) = (pair.get_item(0)?, pair.get_item(1)?);
        let Ok(k) = k.cast::<PyString>() else { return Ok(None) };
        let v = if let Ok(b) = v.cast::<PyBytes>() {
            Some(b.as_bytes().to_vec())
        } else if none_values && v.is_none() {
            None
        } else {
            return Ok(None);
        };
        out.push((k.to_cow()?.into_owned(), v));
    }
    Ok(Some(out))
}

/// Fast-path explicit partition: `Some(None)` for None, `Some(Some(p))` for a partition the
/// cached metadata knows, None otherwise (the Python path checks and raises).
pub fn known_partition(
    producer: &Producer,
    topic: &str,
    partition: Option<&Bound<'_, PyAny>>,
) -> Option<Option<i32>> {
    let Some(p) = partition.filter(|p| !p.is_none()) else { return Some(None) };
    let p = p.extract::<i32>().ok()?;
    let known = producer.cached_topic(topic).is_some_and(|t| t.partitions.iter().any(|i| i.partition == p));
    (p >= 0 && known).then_some(Some(p))
}

/// Fast-path timestamp: `Some(None)` for None, `Some(Some(ms))` for an int, None otherwise.
pub fn timestamp(ts: Option<&Bound<'_, PyAny>>) -> Option<Option<i64>> {
    match ts.filter(|t| !t.is_none()) {
        None => Some(None),
        Some(t) => t.extract::<i64>().ok().map(Some),
    }
}

/// Topic names: those the Python layer validated, and the last topic object seen (with
/// whether it was validated), so that a repeated topic costs a pointer compare.
#[derive(Default)]
pub struct TopicNames {
    last: Mutex<Option<LastTopic>>,
    valid: Mutex<HashSet<String>>,
}

struct LastTopic {
    object: Py<PyString>,
    name: Arc<str>,
    validated: bool,
}

impl TopicNames {
    /// Records that the Python layer validated `name`.
    pub fn validated(&self, name: String) {
        self.valid.lock().insert(name);
        *self.last.lock() = None;
    }

    /// The topic as a shared string (the general path checked it).
    pub fn intern(&self, topic: &Bound<'_, PyString>) -> PyResult<Arc<str>> {
        self.lookup(topic, false).map(|(name, _)| name)
    }

    /// The topic as a shared string if it was validated, else None.
    pub fn known(&self, topic: &Bound<'_, PyAny>) -> PyResult<Option<Arc<str>>> {
        let Ok(topic) = topic.cast::<PyString>() else { return Ok(None) };
        let (name, validated) = self.lookup(topic, true)?;
        Ok(validated.then_some(name))
    }

    fn lookup(&self, topic: &Bound<'_, PyString>, check: bool) -> PyResult<(Arc<str>, bool)> {
        let mut last = self.last.lock();
        if let Some(l) = last.as_ref() {
            if l.object.as_ptr() == topic.as_ptr() && (l.validated || !check) {
                return Ok((l.name.clone(), l.validated));
            }
        }
        let text = topic.to_cow()?;
        let validated = self.valid.lock().contains(text.as_ref());
        if check && !validated {
            return Ok((Arc::from(""), false));
        }
        let name: Arc<str> = Arc::from(text.as_ref());
        *last = Some(LastTopic { object: topic.clone().unbind(), name: name.clone(), validated });
        Ok((name, validated))
    }
}
