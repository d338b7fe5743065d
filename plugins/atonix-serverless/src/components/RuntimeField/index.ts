import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  RUNTIME_FIELD_NAME,
  RuntimeField,
  validateRuntime,
} from './RuntimeField';

export { RUNTIME_FIELD_NAME, RuntimeField, validateRuntime };

/** The `AtonixRuntime` scaffolder field, loaded by the plugin's form-field extension. */
export const runtimeFormField = createFormField({
  name: RUNTIME_FIELD_NAME,
  component: RuntimeField,
  validation: validateRuntime,
});
