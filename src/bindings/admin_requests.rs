//! `Admin.request(api, route, request)`: the admin APIs whose requests and responses the Python
//! layer shapes itself, as dicts of the declared messages (see `protocol_dict`). Each API names
//! the response codes that decide a retry at the controller or a coordinator.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::protocol_dict::{FromPy, ToPy};
use crate::admin::{Admin, Route};
use crate::protocol::messages::*;
use crate::protocol::Request;

/// The route named by Python: "any", "node" (target: node id), "controller", "coordinator"
/// (target: group id).
pub fn route(kind: &str, target: Option<&Bound<'_, PyAny>>) -> PyResult<Route> {
    let need = |what: &str| PyValueError::new_err(format!("route {kind:?} needs a {what}"));
    Ok(match kind {
        "any" => Route::Any,
        "controller" => Route::Controller,
        "node" => Route::Node(target.ok_or_else(|| need("node id"))?.extract()?),
        "coordinator" => Route::Coordinator(target.ok_or_else(|| need("group id"))?.extract()?),
        other => return Err(PyValueError::new_err(format!("unknown route {other:?}"))),
    })
}

/// Decodes `req`, sends it with the GIL released, encodes the response.
fn call<'py, R, F>(
    py: Python<'py>,
    admin: &Admin,
    route: Route,
    req: &Bound<'py, PyDict>,
    timeout_ms: Option<i32>,
    codes: F,
) -> PyResult<Bound<'py, PyAny>>
where
    R: Request + FromPy + Sync,
    R::Response: ToPy + Send,
    F: Fn(&R::Response) -> Vec<i16> + Send + Sync,
{
    let request = R::from_py(req.as_any())?;
    let resp =
        super::wait::block_on_interruptibly(py, admin.send_routed(route, &request, timeout_ms, codes))?;
    resp.to_py(py)
}

macro_rules! dispatch {
    ($api:expr, $py:expr, $admin:expr, $route:expr, $req:expr, $timeout:expr;
     $($name:literal => $ty:ty, |$r:ident| $codes:expr;)*) => {
        match $api {
            $( $name => call::<$ty, _>($py, $admin, $route, $req, $timeout, |$r: &<$ty as Request>::Response| $codes), )*
            other => Err(PyValueError::new_err(format!("unknown admin API {other:?}"))),
        }
    };
}

/// Sends the request of API `api` (its Kafka name) along `route`.
pub fn request<'py>(
    py: Python<'py>,
    admin: &Admin,
    api: &str,
    route: Route,
    req: &Bound<'py, PyDict>,
    timeout_ms: Option<i32>,
) -> PyResult<Bound<'py, PyAny>> {
    dispatch!(api, py, admin, route, req, timeout_ms;
        "DescribeAcls" => DescribeAclsRequest, |r| vec![r.error_code];
        "CreateAcls" => CreateAclsRequest, |r| r.results.iter().map(|x| x.error_code).collect();
        "DeleteAcls" => DeleteAclsRequest, |r| r.filter_results.iter().map(|x| x.error_code).collect();
        "DescribeUserScramCredentials" => DescribeUserScramCredentialsRequest, |r| vec![r.error_code];
        "AlterUserScramCredentials" => AlterUserScramCredentialsRequest, |r| r.results.iter().map(|x| x.error_code).collect();
        "ElectLeaders" => ElectLeadersRequest, |r| vec![r.error_code];
        "AlterPartitionReassignments" => AlterPartitionReassignmentsRequest, |r| vec![r.error_code];
        "ListPartitionReassignments" => ListPartitionReassignmentsRequest, |r| vec![r.error_code];
        "DescribeLogDirs" => DescribeLogDirsRequest, |r| vec![r.error_code];
        "AlterReplicaLogDirs" => AlterReplicaLogDirsRequest, |_r| Vec::new();
        "DescribeQuorum" => DescribeQuorumRequest, |r| vec![r.error_code];
        "ApiVersions" => ApiVersionsRequest, |r| vec![r.error_code];
        "UpdateFeatures" => UpdateFeaturesRequest, |r| vec![r.error_code];
        "DescribeTopicPartitions" => DescribeTopicPartitionsRequest, |_r| Vec::new();
        "Metadata" => MetadataRequest, |_r| Vec::new();
        "DeleteTopics" => DeleteTopicsRequest, |r| r.responses.iter().map(|x| x.error_code).collect();
        "ListConfigResources" => ListConfigResourcesRequest, |r| vec![r.error_code];
        "LeaveGroup" => LeaveGroupRequest, |r| vec![r.error_code];
        "ConsumerGroupDescribe" => ConsumerGroupDescribeRequest, |r| r.groups.iter().map(|g| g.error_code).collect();
    )
}
