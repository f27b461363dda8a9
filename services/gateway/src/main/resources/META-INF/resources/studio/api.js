// The gateway's HTTP API as the studio calls it: the saved API key on every call, errors in words.

const KEY_STORAGE = 'brushline.apiKey';

export function savedKey() {
  return localStorage.getItem(KEY_STORAGE) || '';
}

export function saveKey(key) {
  if (key) {
    localStorage.setItem(KEY_STORAGE, key);
  } else {
    localStorage.removeItem(KEY_STORAGE);
  }
}

function headers(extra = {}) {
  const key = savedKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

/** An answer that is not 2xx, with the API's error code and a sentence a person can act on. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function refusal(response) {
  let code = '';
  let detail = '';
  try {
    const body = await response.json();
    code = body.error || '';
    detail = body.message || '';
  } catch {
    // not the API's JSON (for example the HTTP server's own 413)
  }
  const retryAfter = response.headers.get('Retry-After');
  let words;
  switch (response.status) {
    case 400:
      words = `The request was refused: ${detail || 'the form is not valid'}.`;
      break;
    case 401:
      words = `The API key is missing or not valid${detail ? ` (${detail})` : ''}. Enter a key above.`;
      break;
    case 404:
      words = `Not found: ${detail || 'no such job'} (it may belong to another API key).`;
      break;
    case 409:
      words = `Not ready: ${detail || 'the job has not finished'}.`;
      break;
    case 413:
      words = `The image is too large${detail ? `: ${detail}` : ''}. Send a smaller one.`;
      break;
    case 429:
      words = `Too many requests${detail ? `: ${detail}` : ''}.`
        + (retryAfter ? ` Try again in ${retryAfter} s.` : ' Try again shortly.');
      break;
    case 503:
      words = `The service is unavailable right now${detail ? `: ${detail}` : ''}. `
        + 'Nothing was accepted; submit again in a moment.';
      break;
    default:
      words = `The server answered ${response.status}${detail ? `: ${detail}` : ''}.`;
  }
  return new ApiError(response.status, code || `http_${response.status}`, words);
}

async function call(path, init = {}) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: headers(init.headers) });
  } catch (e) {
    throw new ApiError(0, 'network', `The gateway could not be reached (${e.message}).`);
  }
  if (!response.ok) {
    throw await refusal(response);
  }
  return response;
}

/** POST /v1/edits; answers {id, status_url, created}. */
export async function submitEdit(form, idempotencyKey) {
  const response = await call('/v1/edits', {
    method: 'POST', body: form, headers: { 'Idempotency-Key': idempotencyKey },
  });
  return response.json();
}

export async function job(id) {
  return (await call(`/v1/edits/${encodeURIComponent(id)}`)).json();
}

export async function cancel(id) {
  return (await call(`/v1/edits/${encodeURIComponent(id)}`, { method: 'DELETE' })).json();
}

/** The result or the mask as a Blob (fetched with the key, which an img src could not send). */
export async function image(id, which) {
  return (await call(`/v1/edits/${encodeURIComponent(id)}/${which}`)).blob();
}

/**
 * Follows GET /v1/edits/{id}/events and calls onStatus with each status until the job ends. The stream
 * is read with fetch (an EventSource cannot send the key); a stream that closes before the end is
 * opened again, and when streams are refused the status is polled instead.
 */
export async function follow(id, onStatus, signal) {
  let last = null;
  const ended = (status) => status && ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(status.state);
  while (!ended(last) && !signal.aborted) {
    try {
      const response = await call(`/v1/edits/${encodeURIComponent(id)}/events`, {
        headers: { Accept: 'text/event-stream' }, signal,
      });
      await readEvents(response.body, (status) => {
        last = status;
        onStatus(status);
      });
    } catch (e) {
      if (signal.aborted) {
        return last;
      }
      if (e instanceof ApiError && e.status === 404) {
        throw e;
      }
      // refused (too many streams) or cut: one status read, then a pause before the next stream
      last = await job(id);
      onStatus(last);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  return last;
}

async function readEvents(body, onData) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      } else if (line === '' && data.length) {
        const text = data.join('\n');
        data = [];
        const status = JSON.parse(text);
        if (status && status.state) {
          onData(status);
        }
      }
    }
  }
}
