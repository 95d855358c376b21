//! Bounds on what a burst can take: a fixed pool of worker threads for CPU
//! work behind a bounded queue, and a cap on open connections.
//!
//! Before, every screening and every authentication went to tokio's blocking
//! pool, which grows to 512 threads under load and keeps them (with their
//! per-thread screening scratch) long after; 300 connections took the server
//! from 180 MB to 3.5 GB. Now CPU work runs on as many threads as there are
//! cores, and a connection beyond the cap waits in the kernel's accept queue
//! instead of in the server's memory.

use std::io;
use std::pin::Pin;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A job for the pool.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of threads taking jobs from a bounded queue. The threads end
/// when the pool is dropped.
pub(crate) struct WorkerPool {
    sender: SyncSender<Job>,
    threads: usize,
}

impl WorkerPool {
    /// Starts `threads` workers (at least one) over a queue of `queue` jobs.
    pub(crate) fn start(threads: usize, queue: usize) -> WorkerPool {
        let threads = threads.max(1);
        let (sender, receiver) = sync_channel::<Job>(queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        let mut started = 0;
        for n in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("cordon-worker-{n}"))
                .spawn(move || work(&receiver));
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::error!("starting worker thread {n} failed: {e}"),
            }
        }
        WorkerPool {
            sender,
            threads: started,
        }
    }

    /// The number of worker threads running.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// Queues a job; gives it back when the queue is full.
    pub(crate) fn try_run(&self, job: Job) -> Result<(), Job> {
        self.sender.try_send(job).map_err(|e| match e {
            TrySendError::Full(job) | TrySendError::Disconnected(job) => job,
        })
    }
}

/// A worker's loop: one job at a time until the pool is gone. A job that
/// panics ends alone (its caller sees its answer channel closed); the
/// worker goes on.
fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            // Poisoning cannot happen here (recv does not panic); reuse it anyway.
            let receiver = receiver.lock().unwrap_or_else(|p| p.into_inner());
            receiver.recv()
        };
        match job {
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// The number of cores, for the pool's size (one when unknown).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A TCP listener that holds at most `max` connections open: beyond that it
/// stops accepting until one closes.
pub struct LimitedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
}

impl LimitedListener {
    /// Wraps a listener.
    pub fn new(inner: TcpListener, max: usize) -> LimitedListener {
        LimitedListener {
            inner,
            permits: Arc::new(Semaphore::new(max.max(1))),
        }
    }
}

impl axum::serve::Listener for LimitedListener {
    type Io = CountedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (CountedStream, std::net::SocketAddr) {
        // The semaphore is never closed, so acquiring only waits.
        let permit = self.permits.clone().acquire_owned().await.ok();
        let (stream, address) = axum::serve::Listener::accept(&mut self.inner).await;
        (
            CountedStream {
                stream,
                _permit: permit,
            },
            address,
        )
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// An accepted connection holding its place under the cap until it closes.
pub struct CountedStream {
    stream: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
}

impl AsyncRead for CountedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn the_pool_runs_jobs_on_a_fixed_set_of_threads_and_refuses_beyond_its_queue() {
        let pool = WorkerPool::start(2, 2);
        assert_eq!(pool.threads(), 2);
        let names = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..50 {
            let (names, done) = (names.clone(), done.clone());
            let mut job: Job = Box::new(move || {
                let name = std::thread::current().name().unwrap_or("").to_string();
                names.lock().unwrap().insert(name);
                done.fetch_add(1, Ordering::SeqCst);
            });
            // A full queue gives the job back: wait and offer it again.
            while let Err(back) = pool.try_run(job) {
                job = back;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        while done.load(Ordering::SeqCst) < 50 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let names = names.lock().unwrap();
        assert!(names.len() <= 2 && names.iter().all(|n| n.starts_with("cordon-worker-")));

        // Both workers held and the queue full: the next job comes back at once.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(Mutex::new(wait));
        for n in 0..4 {
            let wait = wait.clone();
            let job: Job = Box::new(move || {
                let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(10));
            });
            assert!(pool.try_run(job).is_ok());
            if n == 1 {
                // The first two are taken off the queue by the workers; two more wait in it.
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        assert!(pool.try_run(Box::new(|| {})).is_err());
        for _ in 0..4 {
            release.send(()).unwrap();
        }
    }

    #[test]
    fn a_panicking_job_leaves_the_worker_running() {
        let pool = WorkerPool::start(1, 4);
        assert!(pool.try_run(Box::new(|| panic!("job failed"))).is_ok());
        let (sender, receiver) = std::sync::mpsc::channel();
        assert!(pool
            .try_run(Box::new(move || sender.send(7).unwrap()))
            .is_ok());
        assert_eq!(receiver.recv_timeout(Duration::from_secs(5)), Ok(7));
    }
}
