//! Compiles proto/ with protox (pure Rust, so no `protoc` binary is needed) and
//! generates prost messages plus the tonic client and/or server stubs that the
//! crate's features ask for. The encoded descriptor set is kept for gRPC
//! reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let mut files = Vec::new();
    collect_protos(&root, &mut files)?;
    files.sort();

    let fds = protox::compile(&files, [&root])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out_dir.join("redress_descriptor.bin"), fds.encode_to_vec())?;
    write_method_paths(&fds, &out_dir)?;
    write_named_enums(&fds, &out_dir)?;

    tonic_prost_build::configure()
        .build_client(env::var_os("CARGO_FEATURE_CLIENT").is_some())
        .build_server(env::var_os("CARGO_FEATURE_SERVER").is_some())
        .compile_fds(fds)?;

    println!("cargo:rerun-if-changed={}", root.display());
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    Ok(())
}

/// Writes `<package>.methods.rs` per package: one constant per RPC with its
/// gRPC path, e.g. `methods::resolution_internal_service::OPEN_CASE =
/// "/redress.resolution.v1.ResolutionInternalService/OpenCase"`, so the
/// outbox names peer methods by the contract instead of by string literals.
fn write_method_paths(fds: &prost_types::FileDescriptorSet, out_dir: &std::path::Path) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    let mut by_package: BTreeMap<String, String> = BTreeMap::new();
    for file in &fds.file {
        let package = file.package().to_owned();
        if !package.starts_with("redress.") {
            continue;
        }
        let text = by_package.entry(package.clone()).or_default();
        for service in &file.service {
            text.push_str(&format!(
                "/// gRPC paths of `{package}.{}`.\npub mod {} {{\n",
                service.name(),
                snake(service.name())
            ));
            for method in &service.method {
                text.push_str(&format!(
                    "    /// `{}`.\n    pub const {}: &str = \"/{package}.{}/{}\";\n",
                    method.name(),
                    snake(method.name()).to_ascii_uppercase(),
                    service.name(),
                    method.name()
                ));
            }
            text.push_str("}\n");
        }
    }
    for (package, text) in by_package {
        fs::write(out_dir.join(format!("{package}.methods.rs")), text)?;
    }
    Ok(())
}

/// Writes `<package>.enums.rs` per package: `NamedEnum` for every enum,
/// top-level or nested (`complaint::Status`), so storage can keep enums by
/// their proto names through one generic column type.
fn write_named_enums(fds: &prost_types::FileDescriptorSet, out_dir: &std::path::Path) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    fn walk(
        package: &str,
        scope: &[String],
        full: &str,
        messages: &[prost_types::DescriptorProto],
        enums: &[prost_types::EnumDescriptorProto],
        text: &mut String,
    ) {
        for e in enums {
            let path: Vec<String> = scope.iter().cloned().chain([e.name().to_owned()]).collect();
            text.push_str(&format!(
                "impl crate::NamedEnum for {} {{\n    const NAME: &'static str = \"{package}.{full}{}\";\n    \
                 fn as_str_name(&self) -> &'static str {{\n        Self::as_str_name(self)\n    }}\n    \
                 fn from_str_name(value: &str) -> Option<Self> {{\n        Self::from_str_name(value)\n    }}\n}}\n",
                path.join("::"),
                e.name()
            ));
        }
        for m in messages {
            // prost escapes a module named like a keyword (`r#macro`).
            let module = match snake(m.name()) {
                m if ["macro", "type", "match", "ref", "mod", "use"].contains(&m.as_str()) => format!("r#{m}"),
                m => m,
            };
            let scope: Vec<String> = scope.iter().cloned().chain([module]).collect();
            let full = format!("{full}{}.", m.name());
            walk(package, &scope, &full, &m.nested_type, &m.enum_type, text);
        }
    }
    let mut by_package: BTreeMap<String, String> = BTreeMap::new();
    for file in &fds.file {
        let package = file.package().to_owned();
        if !package.starts_with("redress.") {
            continue;
        }
        let text = by_package.entry(package.clone()).or_default();
        walk(&package, &[], "", &file.message_type, &file.enum_type, text);
    }
    for (package, text) in by_package {
        fs::write(out_dir.join(format!("{package}.enums.rs")), text)?;
    }
    Ok(())
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn collect_protos(dir: &PathBuf, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
