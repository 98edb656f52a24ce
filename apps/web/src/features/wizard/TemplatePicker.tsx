import type { TemplateSummary } from '@vaporform/contracts';
import { useId } from 'react';

const languageLabels: Record<TemplateSummary['language'], string> = {
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  python: 'Python',
  go: 'Go',
};

/**
 * Template cards as one radio group: native radios (visually hidden) give Tab into the group and arrow
 * keys between cards for free; each radio is named by the template's name and described by the rest.
 */
export function TemplatePicker({
  templates,
  selected,
  onSelect,
  labelledBy,
}: {
  templates: readonly TemplateSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
  labelledBy: string;
}) {
  const name = useId();
  return (
    <div className="wizard-templates" role="radiogroup" aria-labelledby={labelledBy}>
      {templates.map((template) => {
        const descriptionId = `${name}-${template.id}-description`;
        return (
          <label
            key={template.id}
            className="wizard-template"
            data-checked={selected === template.id || undefined}
          >
            <input
              type="radio"
              className="wizard-template-radio"
              name={name}
              value={template.id}
              checked={selected === template.id}
              onChange={() => onSelect(template.id)}
              aria-label={template.name}
              aria-describedby={descriptionId}
            />
            <span className="wizard-template-head">
              <span className="wizard-template-name">{template.name}</span>
              <span className="wizard-template-check" aria-hidden="true" />
            </span>
            <span id={descriptionId} className="wizard-template-body">
              <span className="wizard-template-tags">
                <span className="wizard-tag" data-language={template.language}>
                  {languageLabels[template.language]}
                </span>
                <span className="wizard-tag">{template.framework}</span>
                {template.needsNetwork && (
                  <span
                    className="wizard-tag wizard-tag-warning"
                    title="Installing dependencies downloads packages"
                  >
                    Needs internet
                  </span>
                )}
              </span>
              <span className="wizard-template-description">{template.description}</span>
            </span>
          </label>
        );
      })}
    </div>
  );
}
