import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/** Every action this module contributes; one action per file in this folder. */
export function createAtonixActions(): TemplateAction<any, any, any>[] {
  return [];
}
