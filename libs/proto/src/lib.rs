//! The Redress v1 contract: prost messages and tonic stubs generated from
//! `proto/`, one module per Protobuf package.
//!
//! Features: `client` generates the gRPC clients (what a casino backend embeds),
//! `server` the server traits (what the services implement). A backend that only
//! calls Redress builds with `default-features = false, features = ["client"]`
//! and compiles no server stack.

#![allow(clippy::doc_lazy_continuation, clippy::large_enum_variant)]

/// Shared vocabulary: categories, channels, money, player and transaction references.
pub mod common {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.common.v1");
    }
}

/// The intake service: complaints as filed and their interaction history.
pub mod intake {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.intake.v1");
    }
}

/// The resolution service: cases, queues, deadlines and case history.
pub mod resolution {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.resolution.v1");
    }
}

/// The notification service: templates and deliveries with proof.
pub mod notification {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.notification.v1");
    }
}

/// The feedback service: surveys, the analytics event store and insights.
pub mod feedback {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.feedback.v1");
    }
}

/// The encoded `FileDescriptorSet` of every Redress proto, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("redress_descriptor");
