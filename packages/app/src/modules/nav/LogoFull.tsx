import { makeStyles } from '@material-ui/core';
import FlashOn from '@material-ui/icons/FlashOn';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: 6,
    color: '#7df3e1',
    fontSize: 15,
    fontWeight: 700,
    whiteSpace: 'nowrap',
  },
});

export const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.root}>
      <FlashOn />
      Atonix Serverless
    </span>
  );
};
