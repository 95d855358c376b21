//! TLS in front of the private subject query: `exchange serve --tls-cert
//! --tls-key` and `exchange query --peer-ca` (rustls, with the ring
//! provider named explicitly so that no process-wide default has to be
//! chosen). The OPRF already hides the subjects from an eavesdropper; TLS
//! adds what it does not: the asker knows it speaks to the FIU it meant
//! (the certificate), and nobody on the path learns who asks whom how much.
//! A peer's certificate is trusted through the CA (or the self-signed
//! certificate itself) given with `--peer-ca`, exchanged like the list
//! publishers' public keys, never through the web's public roots.
//!
//! Mutual TLS: with `serve --client-ca`, the holder answers only askers whose
//! certificate (`query --tls-cert --tls-key`) chains to that CA, i.e. the FIUs
//! its law lets query, and counts their allowance and audits them by that
//! certificate (its SHA-256) rather than by an address.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use cordon_engine::ContentHash;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

use crate::InputError;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certificates(path: &Path, flag: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certificates = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| InputError::new(format!("{flag} {}: {e}", path.display())))?;
    if certificates.is_empty() {
        return Err(InputError::new(format!(
            "{flag} {}: no PEM certificate in the file",
            path.display()
        ))
        .into());
    }
    Ok(certificates)
}

fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path)
        .map_err(|e| InputError::new(format!("--tls-key {}: {e}", path.display())).into())
}

/// The certificates in the PEM file `path` as the only roots trusted.
fn roots(path: &Path, flag: &str) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for certificate in certificates(path, flag)? {
        roots
            .add(certificate)
            .map_err(|e| InputError::new(format!("{flag} {}: {e}", path.display())))?;
    }
    Ok(roots)
}

/// A certificate (chain) and its private key, both PEM files: the holder's
/// server certificate, or an asker's client certificate.
pub struct Identity<'a> {
    /// `--tls-cert`.
    pub cert: &'a Path,
    /// `--tls-key`.
    pub key: &'a Path,
}

/// The server side with `identity`; with `client_ca`, only clients whose
/// certificate chains to it complete the handshake.
pub fn server_config(identity: &Identity, client_ca: Option<&Path>) -> Result<Arc<ServerConfig>> {
    let chain = certificates(identity.cert, "--tls-cert")?;
    let key = private_key(identity.key)?;
    let builder =
        ServerConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let verifier = WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots(ca, "--client-ca")?),
                provider(),
            )
            .build()
            .map_err(|e| InputError::new(format!("--client-ca {}: {e}", ca.display())))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder.with_single_cert(chain, key).map_err(|e| {
        InputError::new(format!(
            "--tls-cert {} / --tls-key: {e}",
            identity.cert.display()
        ))
    })?;
    Ok(Arc::new(config))
}

/// The client side, trusting only the certificates in the PEM file `ca`, and
/// presenting `identity` when the holder asks for a client certificate.
pub fn client_config(ca: &Path, identity: Option<&Identity>) -> Result<Arc<ClientConfig>> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots(ca, "--peer-ca")?);
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some(identity) => builder
            .with_client_auth_cert(
                certificates(identity.cert, "--tls-cert")?,
                private_key(identity.key)?,
            )
            .map_err(|e| {
                InputError::new(format!(
                    "--tls-cert {} / --tls-key: {e}",
                    identity.cert.display()
                ))
            })?,
    };
    Ok(Arc::new(config))
}

/// The name the peer's certificate must carry: the host of `host:port`
/// (a DNS name or an IP address, brackets of an IPv6 address removed).
pub fn server_name(address: &str) -> Result<ServerName<'static>> {
    let host = address
        .rsplit_once(':')
        .map_or(address, |(host, _)| host)
        .trim_start_matches('[')
        .trim_end_matches(']');
    ServerName::try_from(host.to_string())
        .map_err(|e| InputError::new(format!("--peer {address}: {e}")).into())
}

/// One connection of the query protocol, plain or under TLS.
pub enum Connection {
    /// No TLS (loopback, or a tunnel the operator provides).
    Plain(TcpStream),
    /// The holder's end of a TLS connection.
    Server(Box<rustls::StreamOwned<ServerConnection, TcpStream>>),
    /// The asker's end of a TLS connection.
    Client(Box<rustls::StreamOwned<ClientConnection, TcpStream>>),
}

impl Connection {
    /// The holder's end: TLS when `config` is given (the handshake runs at
    /// the first read).
    pub fn accept(stream: TcpStream, config: Option<&Arc<ServerConfig>>) -> Result<Connection> {
        Ok(match config {
            None => Connection::Plain(stream),
            Some(config) => {
                let tls = ServerConnection::new(Arc::clone(config))?;
                Connection::Server(Box::new(rustls::StreamOwned::new(tls, stream)))
            }
        })
    }

    /// The asker's end: TLS to `name` when `config` is given.
    pub fn connect(
        stream: TcpStream,
        tls: Option<(&Arc<ClientConfig>, ServerName<'static>)>,
    ) -> Result<Connection> {
        Ok(match tls {
            None => Connection::Plain(stream),
            Some((config, name)) => {
                let tls = ClientConnection::new(Arc::clone(config), name)?;
                Connection::Client(Box::new(rustls::StreamOwned::new(tls, stream)))
            }
        })
    }

    /// The SHA-256 (hex) of the certificate the asker presented, on the
    /// holder's end of a mutual-TLS connection after the handshake.
    pub fn peer_certificate(&self) -> Option<String> {
        match self {
            Connection::Server(tls) => tls
                .conn
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| ContentHash::of_bytes(leaf).as_str().to_string()),
            _ => None,
        }
    }

    /// Ends the conversation: under TLS, says so (close_notify), so that the
    /// other end tells a finished reply from a cut connection.
    pub fn finish(&mut self) -> std::io::Result<()> {
        match self {
            Connection::Plain(_) => {}
            Connection::Server(tls) => tls.conn.send_close_notify(),
            Connection::Client(tls) => tls.conn.send_close_notify(),
        }
        self.flush()
    }
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(stream) => stream.read(buf),
            Connection::Server(tls) => tls.read(buf),
            Connection::Client(tls) => tls.read(buf),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(stream) => stream.write(buf),
            Connection::Server(tls) => tls.write(buf),
            Connection::Client(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Connection::Plain(stream) => stream.flush(),
            Connection::Server(tls) => tls.flush(),
            Connection::Client(tls) => tls.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_name_is_the_host_of_the_address() {
        assert_eq!(
            server_name("127.0.0.1:7741").unwrap(),
            ServerName::try_from("127.0.0.1").unwrap()
        );
        assert_eq!(
            server_name("fiu-b.example:443").unwrap(),
            ServerName::try_from("fiu-b.example").unwrap()
        );
        assert_eq!(
            server_name("[::1]:7741").unwrap(),
            ServerName::try_from("::1").unwrap()
        );
        assert!(server_name("not a host:1").is_err());
    }
}
