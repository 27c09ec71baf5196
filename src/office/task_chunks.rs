//! Tasks in chunks (issue 17): a draw writes the tasks it made in chunks of [`TASK_CHUNK`]
//! consecutive tasks (tree `task_chunks`, key = first and last id), not one key per task; a
//! task changed afterwards (a step, a merge into a later visit, a void) is written alone under
//! its id in `tasks`, and that record wins over its copy in the chunk. A store written before
//! chunks has only `tasks`; it reads as before.
//!
//! So a one-task step still writes, stamps, audits and sends (server events) only that task,
//! and a chunk is never rewritten: what its audit entry hashed stays what is stored.

use super::OfficeError;
use crate::domain::task::Task;
use crate::store::{
    codec, task_chunk_key, task_chunk_range, Store, StoreError, TreeName, Write, TASK_CHUNK,
};

crate::stored_unchanged!(Vec<Task>);

/// The keys of the chunks holding a draw's new tasks (`ids`: consecutive, ascending).
#[cfg(test)]
pub(crate) fn chunk_keys(ids: &[u64]) -> Vec<[u8; 16]> {
    ids.chunks(TASK_CHUNK)
        .filter_map(|c| Some(task_chunk_key(*c.first()?, *c.last()?)))
        .collect()
}

/// The chunk writes of a draw's new tasks (consecutive ids, ascending), encoded in parallel.
pub(crate) fn chunk_writes(tasks: &[Task]) -> Result<Vec<Write>, OfficeError> {
    use rayon::prelude::*;
    tasks
        .par_chunks(TASK_CHUNK)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let key = task_chunk_key(c[0].id, c[c.len() - 1].id);
            let bytes = codec::encode(c).map_err(StoreError::Encode)?;
            Ok(Write::put(TreeName::TaskChunks, key, bytes))
        })
        .collect()
}

/// Every task of the store in id order: the chunks (decoded in parallel), each task replaced by
/// its own record in `tasks` when it has one; tasks only in `tasks` (a store written before
/// chunks) take their place by id.
pub(crate) fn load_tasks(store: &Store) -> Result<Vec<Task>, OfficeError> {
    use rayon::prelude::*;
    let sled_err = |e: sled::Error| StoreError::Sled(e.to_string());
    let raw = store
        .tree(TreeName::TaskChunks)
        .iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(sled_err)?;
    let chunks = raw
        .par_iter()
        .map(|(k, v)| {
            let chunk: Vec<Task> = Store::decode_value(TreeName::TaskChunks, k, v)?;
            let range = task_chunk_range(k);
            let fits = range.is_some_and(|(first, last)| {
                chunk.len() as u64 == last - first + 1
                    && chunk.iter().zip(first..).all(|(t, id)| t.id == id)
            });
            if !fits {
                return Err(OfficeError::Corrupt(format!(
                    "task_chunks/{}: the tasks do not match their key",
                    crate::store::key_to_string("task_chunks", k)
                )));
            }
            Ok(chunk)
        })
        .collect::<Result<Vec<_>, OfficeError>>()?;
    drop(raw);
    let own: Vec<Task> = store.scan(TreeName::Tasks)?;
    let chunked: usize = chunks.iter().map(Vec::len).sum();
    Ok(merge(chunks.into_iter().flatten(), chunked, own))
}

/// Chunked tasks (ascending ids, `chunked` of them) and single records (ascending ids) as one
/// list in id order; for an id in both, the single record. Sized once: 200,000 tasks moved
/// through a growing vector were copied twice over.
fn merge(chunked: impl Iterator<Item = Task>, n: usize, own: Vec<Task>) -> Vec<Task> {
    let mut out = Vec::with_capacity(n + own.len());
    let mut own = own.into_iter().peekable();
    for t in chunked {
        while let Some(o) = own.next_if(|o| o.id < t.id) {
            out.push(o);
        }
        match own.next_if(|o| o.id == t.id) {
            Some(o) => out.push(o),
            None => out.push(t),
        }
    }
    out.extend(own);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A task of the demo's draw as task `id` of draw `draw`.
    fn task(id: u64, draw: u64) -> Task {
        thread_local! {
            static BASE: Task = {
                let (o, _dir) = crate::office::tasks::tests::drawn(
                    "2022Q3",
                    crate::office::tasks::tests::d(2022, 7, 5),
                );
                let task = o.book().tasks[0].clone();
                drop(o);
                task
            };
        }
        BASE.with(|b| Task {
            id,
            draw,
            ..b.clone()
        })
    }

    #[test]
    fn a_single_record_wins_over_its_chunk_and_ids_stay_in_order() {
        let chunked = vec![task(3, 1), task(4, 1), task(5, 1), task(8, 2)];
        let own = vec![task(1, 9), task(4, 7), task(6, 9), task(8, 7), task(10, 9)];
        let got: Vec<(u64, u64)> = merge(chunked.into_iter(), 4, own)
            .iter()
            .map(|t| (t.id, t.draw))
            .collect();
        assert_eq!(
            got,
            vec![(1, 9), (3, 1), (4, 7), (5, 1), (6, 9), (8, 7), (10, 9)]
        );
    }

    #[test]
    fn chunks_are_consecutive_slices_keyed_by_first_and_last() {
        let ids: Vec<u64> = (5..5 + 2 * TASK_CHUNK as u64 + 3).collect();
        let keys = chunk_keys(&ids);
        let ranges: Vec<_> = keys.iter().filter_map(|k| task_chunk_range(k)).collect();
        let n = TASK_CHUNK as u64;
        assert_eq!(
            ranges,
            vec![(5, 4 + n), (5 + n, 4 + 2 * n), (5 + 2 * n, 7 + 2 * n)]
        );
        let tasks: Vec<Task> = ids.iter().map(|&id| task(id, 1)).collect();
        let writes = chunk_writes(&tasks).unwrap();
        let written: Vec<[u8; 16]> = writes
            .iter()
            .filter_map(|w| w.key.as_slice().try_into().ok())
            .collect();
        assert_eq!(written, keys);
        assert!(writes.iter().all(|w| w.tree == TreeName::TaskChunks));
        let back: Vec<Task> = codec::decode(writes[2].value.as_deref().unwrap()).unwrap();
        assert_eq!(
            back.iter().map(|t| t.id).collect::<Vec<_>>(),
            ids[2 * TASK_CHUNK..]
        );
    }

    /// A draw writes its tasks as chunks and no task alone; a step on one of them writes that
    /// task alone; after reopening, the book holds the stepped task and the others as drawn,
    /// and the chain, the records and the draw verify. A void then writes every task alone.
    #[test]
    fn a_draw_writes_chunks_and_a_step_one_task_which_wins_after_reopening() {
        use crate::office::tasks::tests::{d, drawn};
        let (o, dir) = drawn("2022Q3", d(2022, 7, 5));
        let drawn_tasks = o.book().tasks.clone();
        assert!(drawn_tasks.len() > 1);
        let draw = o.audit_tail(1).unwrap().remove(0);
        let chunks: Vec<(u64, u64)> = draw
            .writes
            .iter()
            .filter(|w| w.tree == "task_chunks")
            .filter_map(|w| task_chunk_range(&w.key))
            .collect();
        let n = drawn_tasks.len() as u64;
        assert_eq!(chunks, vec![(1, n)]);
        assert!(!draw.writes.iter().any(|w| w.tree == "tasks"));

        o.task_check(2, d(2022, 7, 20), None, "").unwrap();
        let step = o.audit_tail(1).unwrap().remove(0);
        let keys: Vec<(&str, &[u8])> = step
            .writes
            .iter()
            .map(|w| (w.tree.as_str(), w.key.as_slice()))
            .collect();
        assert_eq!(keys, vec![("tasks", &2u64.to_be_bytes()[..])]);
        let stepped = o.book().tasks.clone();
        assert!(stepped[1].check.is_some());
        drop(o);

        let o = crate::office::Office::open(&dir.0, crate::i18n::Lang::En).unwrap();
        assert_eq!(o.book().tasks, stepped);
        assert_eq!(o.book().tasks[0], drawn_tasks[0]);
        assert_eq!(o.verify().unwrap().problem, None);
        assert_eq!(o.verify_all_draws(), None);

        o.void_draw(1, "test").unwrap();
        drop(o);
        let o = crate::office::Office::open(&dir.0, crate::i18n::Lang::En).unwrap();
        let book = o.book();
        assert!(book.tasks.iter().all(|t| t.voided));
        assert!(book.tasks[1].check.is_some());
        assert_eq!(o.verify().unwrap().problem, None);
    }
}
