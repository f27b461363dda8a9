// Job states, timings and failures in words.

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELED'];

const STATES = {
  QUEUED: 'Queued',
  CLASSIFYING: 'Understanding the instruction',
  GROUNDING: 'Finding the object',
  MASKING: 'Outlining what to change',
  PAINTING: 'Painting',
  SUCCEEDED: 'Done',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
};

export function stateWords(state) {
  return STATES[state] || state || 'unknown';
}

/**
 * The transitions in order, each with how long the job stayed in that state (seconds; null for the
 * state it is in now, or for the final state).
 */
export function timeline(status) {
  const entries = Object.entries(status.transitions || {})
    .map(([state, at]) => ({ state, at: new Date(at) }))
    .sort((a, b) => a.at - b.at);
  return entries.map((entry, i) => ({
    ...entry,
    seconds: i + 1 < entries.length ? (entries[i + 1].at - entry.at) / 1000 : null,
  }));
}

const FAILURES = {
  object_not_found: 'The object named in the instruction was not found in the photo.',
  unknown_object_class: 'The object named in the instruction is not one the detector knows; draw a box or click it.',
  invalid_image: 'The photo could not be read.',
  invalid_hint: 'The box, points or mask did not fit the photo.',
  empty_mask: 'Nothing was left to edit: the mask came out empty.',
  no_painter_configured: 'This edit needs a generative model, and none is configured.',
  internal_error: 'Something went wrong inside the service.',
  invalid_message: 'A message of the job could not be read.',
  queue_unavailable: 'The job queue was unavailable when the job was sent.',
};

const STAGES = {
  classify: 'understanding the instruction',
  ground: 'finding the object',
  mask: 'outlining what to change',
  paint: 'painting',
  pipeline: 'passing the job between services',
};

/** A failure {stage, code, reason} as a sentence, with the reason and the code. */
export function describeFailure(failure) {
  const summary = FAILURES[failure.code] || 'The edit failed.';
  const stage = STAGES[failure.stage] || failure.stage;
  const reason = failure.reason ? ` Reason: ${failure.reason}.`.replace(/\.\.$/, '.') : '';
  return `${summary}${reason} (code ${failure.code || 'unknown'}${stage ? `, while ${stage}` : ''})`;
}
