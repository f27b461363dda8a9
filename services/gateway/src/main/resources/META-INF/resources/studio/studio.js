// The studio page: choose a photo, hint where, send an instruction, follow the job, compare the result.

import * as api from './api.js';
import { HintCanvas } from './hints.js';
import * as history from './history.js';
import { describeFailure, stateWords, TERMINAL, timeline } from './words.js';

const $ = (id) => document.getElementById(id);

const source = { blob: null, url: '', name: '', objectUrl: '' };
let hints;
let idempotencyKey = null; // kept while a refused submission is retried unchanged
let following = null; // AbortController of the job on show
let resultUrls = [];

function setup() {
  const keyInput = $('api-key');
  keyInput.value = api.savedKey();
  showKeyNote();
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    api.saveKey(keyInput.value.trim());
    showKeyNote();
  });

  hints = new HintCanvas($('source-image'), $('hint-canvas'), syncHintFields);
  $('source-image').addEventListener('load', photoShown);
  $('source-image').addEventListener('error', photoNotShown);
  for (const radio of document.querySelectorAll('input[name="tool"]')) {
    radio.addEventListener('change', () => chooseTool(radio.value));
  }
  $('box').addEventListener('change', () => fieldHint('box', hints.setBox($('box').value)));
  $('points').addEventListener('change', () => fieldHint('points', hints.setPoints($('points').value)));
  $('clear-hints').addEventListener('click', () => hints.clear());

  $('image-file').addEventListener('change', () => {
    const file = $('image-file').files[0];
    if (file) {
      useBlob(file, file.name);
    }
  });
  $('image-url').addEventListener('change', () => {
    const url = $('image-url').value.trim();
    if (url) {
      useUrl(url);
    }
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) {
      useBlob(file, file.name);
    } else if (event.dataTransfer.getData('text/uri-list')) {
      useUrl(event.dataTransfer.getData('text/uri-list').split('\n')[0].trim());
    }
  });
  document.addEventListener('paste', (event) => {
    const item = [...event.clipboardData.items].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (item) {
      event.preventDefault();
      useBlob(item.getAsFile(), 'pasted image');
    }
  });

  $('edit-form').addEventListener('input', (event) => {
    if (event.target.id !== 'api-key') {
      idempotencyKey = null; // a changed form is a new submission
    }
  });
  $('edit-form').addEventListener('submit', submit);
  $('cancel').addEventListener('click', cancelShown);
  $('slider').addEventListener('input', slide);
  $('mask-toggle').addEventListener('change', () => {
    $('mask-overlay').hidden = !$('mask-toggle').checked;
  });
  renderRecent();
}

function showKeyNote() {
  $('key-note').textContent = api.savedKey()
    ? 'Key saved in this browser; it is sent with every call.'
    : 'No key saved: calls go without one.';
}

// ---- the photo -------------------------------------------------------------------------------

function useBlob(blob, name) {
  if (source.objectUrl) {
    URL.revokeObjectURL(source.objectUrl);
  }
  source.blob = blob;
  source.url = '';
  source.name = name;
  source.objectUrl = URL.createObjectURL(blob);
  $('image-url').value = '';
  idempotencyKey = null;
  showPhoto(source.objectUrl);
}

function useUrl(url) {
  source.blob = null;
  source.url = url;
  source.name = url;
  $('image-url').value = url;
  $('image-file').value = '';
  idempotencyKey = null;
  showPhoto(url);
}

function showPhoto(src) {
  $('image-note').textContent = `Loading ${source.name} ...`;
  hints.clear();
  $('source-image').src = src;
}

function photoShown() {
  const image = $('source-image');
  $('hints').hidden = false;
  $('image-note').textContent = `${source.name}: ${image.naturalWidth} × ${image.naturalHeight} pixels.`;
  hints.fit();
}

function photoNotShown() {
  if (!$('source-image').getAttribute('src')) {
    return;
  }
  $('hints').hidden = true;
  $('image-note').textContent = `This browser cannot show ${source.name}; the server checks it when you submit.`;
}

function chooseTool(tool) {
  hints.tool = tool;
  $('tool-help').textContent = tool === 'box'
    ? 'Drag on the photo to draw a box around the object. Keyboard: arrow keys move the cross '
      + '(Shift: faster), Enter sets a corner.'
    : 'Click the object to add a point; Shift-click a part that is not the object. Keyboard: arrow keys '
      + 'move the cross, Enter adds an object point, Shift+Enter a not-object point.';
}

function syncHintFields() {
  $('box').value = hints.boxText();
  $('points').value = hints.pointsText();
  idempotencyKey = null;
  const parts = [];
  if (hints.box) {
    parts.push(`box from (${hints.box[0]}, ${hints.box[1]}) to (${hints.box[2]}, ${hints.box[3]})`);
  }
  const object = hints.points.filter((p) => p[2] === 1).length;
  const not = hints.points.length - object;
  if (hints.points.length) {
    parts.push(`${object} object point${object === 1 ? '' : 's'}, ${not} not-object point${not === 1 ? '' : 's'}`);
  }
  $('hint-summary').textContent = parts.length
    ? `Hint: ${parts.join('; ')}.`
    : 'No hint: the object is found from the instruction.';
}

function fieldHint(field, understood) {
  $(field).setAttribute('aria-invalid', String(!understood));
  if (understood) {
    syncHintFields();
  } else {
    $('hint-summary').textContent = field === 'box'
      ? 'The box must be four numbers: x1,y1,x2,y2.'
      : 'The points must look like [[x,y],[x,y,0]] (0 = not the object).';
  }
}

// ---- submitting ------------------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  const instruction = $('instruction').value.trim();
  if (!source.blob && !source.url) {
    return showSubmitError('Choose, drop or paste a photo, or give its address, first.', $('image-file'));
  }
  if (!instruction) {
    return showSubmitError('Type an instruction, for example "blur the background".', $('instruction'));
  }
  const form = new FormData();
  if (source.blob) {
    form.append('image', source.blob, source.blob.name || 'image');
  } else {
    form.append('image_url', source.url);
  }
  form.append('instruction', instruction);
  for (const [field, input] of [['box', 'box'], ['points', 'points'], ['webhook_url', 'webhook-url']]) {
    if ($(input).value.trim()) {
      form.append(field, $(input).value.trim());
    }
  }
  for (const [field, input] of [['mask', 'mask-file'], ['background_image', 'background-file']]) {
    const file = $(input).files[0];
    if (file) {
      form.append(field, file, file.name);
    }
  }
  idempotencyKey = idempotencyKey || crypto.randomUUID();
  const button = $('submit');
  button.disabled = true;
  button.textContent = 'Sending ...';
  $('submit-error').hidden = true;
  try {
    const accepted = await api.submitEdit(form, idempotencyKey);
    idempotencyKey = null;
    history.remember({
      id: accepted.id, instruction, state: 'QUEUED', created: new Date().toISOString(),
      imageUrl: source.url || undefined, box: $('box').value.trim() || undefined,
      points: $('points').value.trim() || undefined, name: source.name,
    });
    if (source.blob) {
      await history.saveSource(accepted.id, source.blob);
    }
    renderRecent();
    showJob(accepted.id, source.blob ? source.objectUrl : source.url);
  } catch (e) {
    // after a refusal that may pass (429, 503, no connection) the same key goes with the retry
    if (!(e instanceof api.ApiError) || ![0, 429, 503].includes(e.status)) {
      idempotencyKey = null;
    }
    showSubmitError(e.message);
  } finally {
    button.disabled = false;
    button.textContent = 'Edit the photo';
  }
}

function showSubmitError(message, focus) {
  const box = $('submit-error');
  box.textContent = message;
  box.hidden = false;
  if (focus) {
    focus.focus();
  }
}

// ---- following a job -------------------------------------------------------------------------

async function showJob(id, beforeSrc) {
  if (following) {
    following.abort();
  }
  const controller = new AbortController();
  following = controller;
  for (const url of resultUrls) {
    URL.revokeObjectURL(url);
  }
  resultUrls = [];
  $('progress').hidden = false;
  $('result').hidden = true;
  $('failure').hidden = true;
  $('job-id').textContent = id;
  $('job-state').textContent = 'sending';
  $('states').replaceChildren();
  $('decisions').replaceChildren();
  $('cancel').hidden = false;
  $('before-image').src = beforeSrc || '';
  $('progress').scrollIntoView({ block: 'nearest' });
  try {
    const last = await api.follow(id, (status) => {
      if (following === controller) {
        renderStatus(status);
      }
    }, controller.signal);
    if (following === controller && last && last.state === 'SUCCEEDED') {
      await showResult(id, last);
    }
  } catch (e) {
    if (following === controller) {
      showFailure(e.message);
    }
  }
}

function renderStatus(status) {
  $('job-state').textContent = stateWords(status.state);
  $('job-state').dataset.state = status.state;
  const items = timeline(status).map(({ state, at, seconds }) => {
    const li = document.createElement('li');
    li.dataset.state = state;
    const name = document.createElement('span');
    name.className = 'state-name';
    name.textContent = stateWords(state);
    const time = document.createElement('span');
    time.className = 'state-time';
    time.textContent = seconds === null ? `at ${at.toLocaleTimeString()}` : `${seconds.toFixed(2)} s`;
    li.append(name, ' ', time);
    return li;
  });
  $('states').replaceChildren(...items);

  const decided = [
    ['Category', status.category],
    ['Object', status.object],
    ['Target prompt', status.target_prompt],
    ['Engine', status.engine],
    ['Tier', status.operation && status.operation.tier],
    ['Operation', status.operation && status.operation.name],
    ['Note', status.operation && status.operation.note],
    ['Engine time', millis(status.stage_millis)],
    ['Storage time', millis(status.storage_millis)],
  ].filter(([, value]) => value);
  $('decisions').replaceChildren(...decided.flatMap(([term, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.field = term.toLowerCase().replace(/ /g, '-');
    return [dt, dd];
  }));

  const ended = TERMINAL.includes(status.state);
  $('cancel').hidden = ended;
  if (status.failure) {
    showFailure(describeFailure(status.failure));
  }
  history.remember({ id: status.id, state: status.state, instruction: status.instruction });
  renderRecent();
}

function millis(byStage) {
  const entries = Object.entries(byStage || {});
  return entries.length ? entries.map(([stage, ms]) => `${stage} ${ms} ms`).join(', ') : '';
}

function showFailure(message) {
  $('failure').textContent = message;
  $('failure').hidden = false;
}

async function cancelShown() {
  try {
    renderStatus(await api.cancel($('job-id').textContent));
  } catch (e) {
    showFailure(e.message);
  }
}

// ---- the result ------------------------------------------------------------------------------

async function showResult(id, status) {
  const [result, mask] = await Promise.all([
    api.image(id, 'result'),
    status.mask_url ? api.image(id, 'mask').catch(() => null) : null,
  ]);
  const resultUrl = URL.createObjectURL(result);
  resultUrls.push(resultUrl);
  const after = $('after-image');
  const loaded = new Promise((resolve) => {
    after.onload = resolve;
  });
  after.src = resultUrl;
  const download = $('download-result');
  download.href = resultUrl;
  download.download = `brushline-${id}${status.result_type === 'image/jpeg' ? '.jpg' : '.png'}`;
  $('download-mask').hidden = !mask;
  $('mask-toggle').disabled = !mask;
  $('mask-toggle').checked = false;
  $('mask-overlay').hidden = true;
  $('result').hidden = false;
  await loaded;
  after.dataset.loaded = 'true';
  if (!$('before-image').getAttribute('src')) {
    $('before-image').src = resultUrl; // the original is not kept: compare with itself
  }
  if (mask) {
    const maskUrl = URL.createObjectURL(mask);
    resultUrls.push(maskUrl);
    $('download-mask').href = maskUrl;
    $('download-mask').download = `brushline-${id}-mask.png`;
    await drawMask(maskUrl);
  }
  slide();
}

/** The mask as a translucent colour over the result: white (edited) pixels tinted, black ones clear. */
async function drawMask(url) {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = $('mask-overlay');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const data = pixels.data;
  for (let i = 0; i < data.length; i += 4) {
    const level = (data[i] + data[i + 1] + data[i + 2]) / 3;
    data[i] = 255;
    data[i + 1] = 0;
    data[i + 2] = 170;
    data[i + 3] = Math.round(level * 0.55);
  }
  context.putImageData(pixels, 0, 0);
}

function slide() {
  const value = Number($('slider').value);
  $('after-image').style.clipPath = `inset(0 0 0 ${value}%)`;
  $('divider').style.left = `${value}%`;
  $('slider').setAttribute('aria-valuetext', `${value}% before, ${100 - value}% after`);
}

// ---- recent jobs -----------------------------------------------------------------------------

function renderRecent() {
  const jobs = history.recentJobs();
  $('recent-empty').hidden = jobs.length > 0;
  $('recent-list').replaceChildren(...jobs.map((job) => {
    const li = document.createElement('li');
    li.dataset.id = job.id;
    const text = document.createElement('span');
    text.className = 'recent-text';
    text.textContent = job.instruction || job.id;
    const state = document.createElement('span');
    state.className = `badge state-${(job.state || '').toLowerCase()}`;
    state.textContent = stateWords(job.state);
    const show = document.createElement('button');
    show.type = 'button';
    show.textContent = 'Show';
    show.setAttribute('aria-label', `Show the job "${job.instruction}"`);
    show.addEventListener('click', () => reopen(job));
    const again = document.createElement('button');
    again.type = 'button';
    again.textContent = 'Edit and run again';
    again.setAttribute('aria-label', `Edit the instruction "${job.instruction}" and run it again`);
    again.addEventListener('click', () => rerun(job));
    li.append(text, ' ', state, ' ', show, ' ', again);
    return li;
  }));
}

async function reopen(job) {
  const blob = await history.loadSource(job.id);
  showJob(job.id, blob ? URL.createObjectURL(blob) : job.imageUrl);
}

async function rerun(job) {
  const blob = await history.loadSource(job.id);
  if (blob) {
    useBlob(blob, job.name || 'the photo of an earlier job');
  } else if (job.imageUrl) {
    useUrl(job.imageUrl);
  } else {
    showSubmitError('This browser no longer has the photo of that job: choose it again.', $('image-file'));
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  const restore = () => {
    $('box').value = job.box || '';
    $('points').value = job.points || '';
    hints.setBox($('box').value);
    hints.setPoints($('points').value);
    syncHintFields();
  };
  if ($('source-image').complete) {
    restore();
  } else {
    $('source-image').addEventListener('load', restore, { once: true });
  }
  $('instruction').value = job.instruction || '';
  $('compose').scrollIntoView({ block: 'start' });
  $('instruction').focus();
  $('instruction').select();
}

setup();
