import FlashOn from '@material-ui/icons/FlashOn';

export const LogoIcon = () => (
  <FlashOn
    fontSize="large"
    style={{ color: '#7df3e1' }}
    titleAccess="Atonix Serverless"
  />
);
