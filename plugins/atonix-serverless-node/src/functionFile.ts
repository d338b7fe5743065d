import {
  FUNCTION_SPEC_API_VERSION,
  FUNCTION_SPEC_KIND,
  FunctionSpecParseResult,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { parseDocument } from 'yaml';

/**
 * Reads the text of a `function.yaml` (apiVersion atonix.io/v1alpha1, kind Function, then the spec
 * fields) into a spec with defaults applied, or the problems with it and their field paths.
 */
export function parseFunctionFile(text: string): FunctionSpecParseResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      success: false,
      issues: doc.errors.map(error => ({
        path: `(yaml line ${error.linePos?.[0].line ?? '?'})`,
        message: error.message,
      })),
    };
  }
  const body = doc.toJSON();
  if (
    typeof body !== 'object' ||
    body === null ||
    body.apiVersion !== FUNCTION_SPEC_API_VERSION ||
    body.kind !== FUNCTION_SPEC_KIND
  ) {
    return {
      success: false,
      issues: [
        {
          path: 'apiVersion',
          message: `a function file starts with apiVersion: ${FUNCTION_SPEC_API_VERSION} and kind: ${FUNCTION_SPEC_KIND}`,
        },
      ],
    };
  }
  const { apiVersion: _apiVersion, kind: _kind, ...spec } = body;
  return parseFunctionSpec(spec);
}
