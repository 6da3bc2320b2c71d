//! Declared protocol messages as Python dicts and back.
//!
//! [`kafka_struct!`](crate::protocol::declare) implements [`ToPy`] and [`FromPy`] for every
//! declared struct: a struct is a dict keyed by its field names (Kafka's names in snake case), so
//! the admin client's Python layer can build a request and read a response without a hand-written
//! conversion per API. Absent dict keys keep the declared default. UUIDs are 16 `bytes`, nullable
//! fields are `None`.

use bytes::Bytes;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// A protocol value as a Python object.
pub trait ToPy {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

/// A protocol value from a Python object.
pub trait FromPy: Sized {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self>;
}

macro_rules! scalar {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.into_pyobject(py)?.to_owned().into_any())
            }
        }
        impl FromPy for $ty {
            fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
                obj.extract()
            }
        }
    )*};
}

scalar!(bool, i8, i16, i32, i64, u16, u32, String);

impl ToPy for [u8; 16] {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyBytes::new(py, self).into_any())
    }
}

impl FromPy for [u8; 16] {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let v: Vec<u8> = obj.extract()?;
        v.try_into().map_err(|_| PyTypeError::new_err("a UUID must be 16 bytes"))
    }
}

impl ToPy for Bytes {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyBytes::new(py, self).into_any())
    }
}

impl FromPy for Bytes {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let v: Vec<u8> = obj.extract()?;
        Ok(Bytes::from(v))
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let list = PyList::empty(py);
        for item in self {
            list.append(item.to_py(py)?)?;
        }
        Ok(list.into_any())
    }
}

impl<T: FromPy> FromPy for Vec<T> {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<pyo3::types::PyString>() {
            return Err(PyTypeError::new_err("expected a sequence, not a str"));
        }
        obj.try_iter()?.map(|item| T::from_py(&item?)).collect()
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: FromPy> FromPy for Option<T> {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_py(obj).map(Some)
        }
    }
}

/// The dict of a declared struct (used by the generated [`FromPy`]).
pub fn as_dict<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> PyResult<&'a Bound<'py, PyDict>> {
    obj.cast::<PyDict>().map_err(|_| PyTypeError::new_err("expected a dict for a protocol struct"))
}

/// Reads field `name` of a struct dict into `slot` when the key is present.
pub fn read_field<T: FromPy>(d: &Bound<'_, PyDict>, name: &str, slot: &mut T) -> PyResult<()> {
    if let Some(v) = d.get_item(name)? {
        *slot = T::from_py(&v).map_err(|e| PyTypeError::new_err(format!("field {name:?}: {e}")))?;
    }
    Ok(())
}
