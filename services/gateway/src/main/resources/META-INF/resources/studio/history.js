// The jobs sent from this browser: their summary in localStorage, the photo each was sent with in
// IndexedDB (too large for localStorage), so a job can be run again with an edited instruction.

const LIST_STORAGE = 'brushline.recentJobs';
const KEEP = 20;
const DATABASE = 'brushline-studio';
const STORE = 'sources';

export function recentJobs() {
  try {
    const list = JSON.parse(localStorage.getItem(LIST_STORAGE) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** Adds or updates a job ({id, instruction, state, created, imageUrl?, box?, points?}). */
export function remember(entry) {
  const list = recentJobs();
  const index = list.findIndex((job) => job.id === entry.id);
  if (index >= 0) {
    list[index] = { ...list[index], ...entry };
  } else {
    list.unshift(entry);
  }
  const dropped = list.splice(KEEP);
  localStorage.setItem(LIST_STORAGE, JSON.stringify(list));
  for (const job of dropped) {
    withStore('readwrite', (store) => store.delete(job.id)).catch(() => {});
  }
}

export function forget(id) {
  localStorage.setItem(LIST_STORAGE, JSON.stringify(recentJobs().filter((job) => job.id !== id)));
  withStore('readwrite', (store) => store.delete(id)).catch(() => {});
}

export function saveSource(id, blob) {
  return withStore('readwrite', (store) => store.put(blob, id)).catch(() => {});
}

/** The photo job {@code id} was sent with, or null when this browser did not keep it. */
export function loadSource(id) {
  return withStore('readonly', (store) => store.get(id)).catch(() => null);
}

function withStore(mode, action) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = action(open.result.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result ?? null);
      request.onerror = () => reject(request.error);
    };
  });
}
