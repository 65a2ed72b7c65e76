// @ts-check
/**
 * A TypeDoc plugin for the project's `@default` convention (that of jsii and
 * the AWS CDK): `@default <literal>` shows as code, `@default - <prose>` as prose
 * without its dash. TypeDoc's own rule (jsDocCompatibility.defaultTag, turned
 * off in typedoc.json) would show the prose as code too.
 */
import { Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      const comments = [
        reflection.comment,
        ...('signatures' in reflection && Array.isArray(reflection.signatures) ? reflection.signatures.map((s) => s.comment) : []),
      ];
      for (const tag of comments.flatMap((c) => c?.blockTags ?? [])) {
        if (tag.tag !== '@default' && tag.tag !== '@defaultValue') continue;
        const first = tag.content[0];
        if (first?.kind === 'text' && /^-\s/.test(first.text)) {
          tag.content = [{ ...first, text: first.text.replace(/^-\s+/, '') }, ...tag.content.slice(1)];
        } else if (tag.content.every((part) => part.kind === 'text')) {
          tag.content = [
            {
              kind: 'code',
              text: `\`${tag.content
                .map((part) => part.text)
                .join('')
                .trim()}\``,
            },
          ];
        }
      }
    }
  });
}
