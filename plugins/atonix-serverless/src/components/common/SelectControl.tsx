import { CSSProperties } from 'react';
import { FormControl, InputLabel, MenuItem, Select } from '@material-ui/core';

/**
 * A small outlined select, as a card's header or a list's filter row shows it; `id` ties the label
 * to the list, so screen readers and browser tests find it by `label`.
 */
export function SelectControl(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
  className?: string;
  style?: CSSProperties;
}) {
  const { id, label, value, onChange, options, className, style } = props;
  return (
    <FormControl
      className={className}
      style={style}
      size="small"
      variant="outlined"
    >
      <InputLabel id={id}>{label}</InputLabel>
      <Select
        labelId={id}
        label={label}
        value={value}
        onChange={event => onChange(event.target.value as string)}
      >
        {options.map(option => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
