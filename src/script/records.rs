//! The structures that live outside simulated memory besides
//! `MEMORY_BASIC_INFORMATION`: what `GetSystemInfo` fills (DESIGN §9) and what
//! `GetExceptionInformation()` points to (reference §7).

use super::eval::{RecordValue, Value};
use super::types::{Record, Ty};

/// `SYSTEM_INFO` as `GetSystemInfo` fills it (DESIGN §9; the processor fields are fixed,
/// plausible values for an x64 machine).
pub fn system_info(field: &str) -> u64 {
    match field {
        // PROCESSOR_ARCHITECTURE_AMD64
        "wProcessorArchitecture" => 9,
        "dwPageSize" => crate::sim::addr::PAGE_SIZE,
        "lpMinimumApplicationAddress" => 0x1_0000,
        "lpMaximumApplicationAddress" => 0x7FFF_FFFE_FFFF,
        "dwActiveProcessorMask" => 0xF,
        "dwNumberOfProcessors" => 4,
        // PROCESSOR_AMD_X8664
        "dwProcessorType" => 8664,
        "dwAllocationGranularity" => 0x1_0000,
        "wProcessorLevel" => 6,
        "wProcessorRevision" => 0x9E0A,
        _ => 0,
    }
}

/// The value of `record.field`.
pub fn field(record: &RecordValue, field: &str) -> Value {
    match (record, field) {
        (RecordValue::SystemInfo { filled }, f) => {
            Value::Int(if *filled { system_info(f) } else { 0 })
        }
        (RecordValue::Exception(x), "ExceptionRecord") => {
            Value::Record(RecordValue::Exception(x.clone()))
        }
        (RecordValue::Exception(x), "ExceptionCode") => Value::Int(u64::from(x.code)),
        // Both exceptions carry two parameters: the access and the address (reference §7).
        (RecordValue::Exception(_), "NumberParameters") => Value::Int(2),
        (RecordValue::Exception(x), "ExceptionInformation") => {
            Value::Record(RecordValue::Information(x.info))
        }
        // ExceptionFlags, and ExceptionAddress: scripts have no code addresses.
        _ => Value::Int(0),
    }
}

/// The fields of the other structures a script may read.
pub fn record_fields(r: Record) -> &'static [&'static str] {
    match r {
        Record::SystemInfo => &[
            "wProcessorArchitecture",
            "dwPageSize",
            "lpMinimumApplicationAddress",
            "lpMaximumApplicationAddress",
            "dwActiveProcessorMask",
            "dwNumberOfProcessors",
            "dwProcessorType",
            "dwAllocationGranularity",
            "wProcessorLevel",
            "wProcessorRevision",
        ],
        Record::ExceptionPointers => &["ExceptionRecord"],
        Record::ExceptionRecord => &[
            "ExceptionCode",
            "ExceptionFlags",
            "ExceptionAddress",
            "NumberParameters",
            "ExceptionInformation",
        ],
        Record::ExceptionInformation => &[],
    }
}

/// The type of field `field` of `r`, if it has one.
pub fn record_field(r: Record, field: &str) -> Option<Ty> {
    if !record_fields(r).contains(&field) {
        return None;
    }
    let word = Ty::Int {
        size: 2,
        signed: false,
    };
    Some(match field {
        "wProcessorArchitecture" | "wProcessorLevel" | "wProcessorRevision" => word,
        "lpMinimumApplicationAddress" | "lpMaximumApplicationAddress" | "ExceptionAddress" => {
            Ty::void_ptr()
        }
        "dwActiveProcessorMask" => Ty::SIZE_T,
        "ExceptionRecord" => Ty::Ptr(Box::new(Ty::Record(Record::ExceptionRecord))),
        "ExceptionInformation" => Ty::Record(Record::ExceptionInformation),
        _ => Ty::DWORD,
    })
}
