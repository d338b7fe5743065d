import {
  FUNCTION_SPEC_API_VERSION,
  FUNCTION_SPEC_KIND,
  FunctionSpecParseResult,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { LineCounter, parseDocument } from 'yaml';
import { lineOf } from './validate/sourceIndex';

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
        path: `(yaml line ${error.linePos?.[0].line ?? 1})`,
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

/**
 * Where an issue of {@link parseFunctionFile} or a policy finding is in the file's text: the line
 * of a field path (`scaling.maxScale`, `env.1.value`, or its nearest existing parent) or of a YAML
 * syntax error.
 */
export function functionFileLocator(text: string): (path: string) => number {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return path => {
    const yamlError = /^\(yaml line (\d+)\)$/.exec(path);
    if (yamlError) {
      return Number(yamlError[1]);
    }
    return lineOf(
      doc,
      lines,
      path.split('.').map(s => (/^\d+$/.test(s) ? Number(s) : s)),
    );
  };
}
