// The settings panel: one field per `#pragma pagelab` knob. It shows the settings of the
// machine that ran (so it always agrees with the script), and turns an edited field into
// a (key, value) for the pragma line.

import { KNOBS } from './pragma.js';

/** Show `config` (from Simulator.config()) in the settings form's fields. */
export function fillSettings(form, config) {
  if (!form) return;
  for (const key of KNOBS) {
    const field = form.elements[key];
    // A field the reader is typing in keeps what they typed until they commit it.
    if (!field || field.dataset.typing) continue;
    const value = config[key];
    if (key === 'standby') field.value = value ? 'on' : 'off';
    // No working_set= means soft limits (null): the field stays empty.
    else if (key === 'working_set' && value == null) field.value = '';
    else field.value = String(value);
  }
}

/**
 * The pragma setting an edited field asks for, as `{key, value}`, or `{error}` when the
 * field holds something the pragma cannot say (the script's own check gives the range).
 */
export function settingFrom(field) {
  const key = field.name;
  if (!KNOBS.includes(key)) return null;
  const value = String(field.value).trim();
  // An empty working-set field asks for the soft default limits (`working_set=soft`);
  // a number is a hard maximum (SetProcessWorkingSetSizeEx, QUOTA_LIMITS_HARDWS_MAX_ENABLE).
  if (key === 'working_set' && value === '') return { key, value: 'soft' };
  if (field.type === 'number' && !/^\d+$/.test(value)) {
    return { error: `${field.labels?.[0]?.textContent?.trim() || key}: write a whole number.` };
  }
  if (!/^[A-Za-z0-9_]+$/.test(value)) return { error: `${key}: '${value}' is not a setting value.` };
  return { key, value };
}
