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
        include!(concat!(env!("OUT_DIR"), "/redress.common.v1.enums.rs"));
    }
}

/// The intake service: complaints as filed and their interaction history.
pub mod intake {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.intake.v1");
        include!(concat!(env!("OUT_DIR"), "/redress.intake.v1.enums.rs"));

        /// The gRPC path of every method, by service.
        pub mod methods {
            include!(concat!(env!("OUT_DIR"), "/redress.intake.v1.methods.rs"));
        }
    }
}

/// The resolution service: cases, queues, deadlines and case history.
pub mod resolution {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.resolution.v1");
        include!(concat!(env!("OUT_DIR"), "/redress.resolution.v1.enums.rs"));

        /// The gRPC path of every method, by service.
        pub mod methods {
            include!(concat!(env!("OUT_DIR"), "/redress.resolution.v1.methods.rs"));
        }
    }
}

/// The notification service: templates and deliveries with proof.
pub mod notification {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.notification.v1");
        include!(concat!(env!("OUT_DIR"), "/redress.notification.v1.enums.rs"));

        /// The gRPC path of every method, by service.
        pub mod methods {
            include!(concat!(env!("OUT_DIR"), "/redress.notification.v1.methods.rs"));
        }
    }
}

/// The feedback service: surveys, the analytics event store and insights.
pub mod feedback {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("redress.feedback.v1");
        include!(concat!(env!("OUT_DIR"), "/redress.feedback.v1.enums.rs"));

        /// The gRPC path of every method, by service.
        pub mod methods {
            include!(concat!(env!("OUT_DIR"), "/redress.feedback.v1.methods.rs"));
        }
    }
}

/// A Protobuf enum by its proto value names (`CHANNEL_LIVE_CHAT`): what
/// storage keeps, so a column reads like the contract. Implemented for every
/// enum of the contract.
pub trait NamedEnum: Copy + Sized + Send + Sync + 'static {
    /// The enum's full proto name, e.g. `redress.common.v1.Channel`.
    const NAME: &'static str;
    /// The value's name in the proto.
    fn as_str_name(&self) -> &'static str;
    /// The value of a name in the proto; `None` for an unknown name.
    fn from_str_name(value: &str) -> Option<Self>;
}

/// The encoded `FileDescriptorSet` of every Redress proto, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("redress_descriptor");

#[cfg(test)]
mod tests {
    #[test]
    fn method_paths_are_the_grpc_paths_of_the_contract() {
        assert_eq!(
            crate::resolution::v1::methods::resolution_internal_service::OPEN_CASE,
            "/redress.resolution.v1.ResolutionInternalService/OpenCase"
        );
        assert_eq!(
            crate::notification::v1::methods::notification_internal_service::SEND_NOTIFICATION,
            "/redress.notification.v1.NotificationInternalService/SendNotification"
        );
        assert_eq!(
            crate::intake::v1::methods::intake_service::SUBMIT_COMPLAINT,
            "/redress.intake.v1.IntakeService/SubmitComplaint"
        );
    }
}
